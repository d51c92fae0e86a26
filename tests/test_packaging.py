"""A non-editable install runs from any folder: models/ ships inside the wheel (issue 12).

The wheel is built offline (``pip wheel --no-build-isolation --no-index``)
from a copy of the repository's files, as a fresh clone has them, and
installed into a new virtual environment outside the project. That
environment has no pip and no dependencies of its own: one ``.pth`` file
lends it the running environment's site-packages (spaCy, the pinned models),
and the wheel is installed over them with ``--ignore-installed``, so the
``namelink`` it runs is the wheel's, never the checkout's. The run happens
in a temp folder with no ``models/`` in sight; ``models_dir`` must find the
packaged copy, and ``$NAMELINK_MODELS`` and ``--models`` must still win.
About 20 s (a build, an install, three runs), so not marked slow.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, clean_env, copy_of_clone

from pipeline.resources import default_models_dir, models_dir

#: What a build reads from the repository (pyproject's metadata names README.md).
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "pipeline", "models")
TEXT = "Lev Davidovich Bronstein, later known as Leon Trotsky, was exiled in 1929. Trotsky wrote every day.\n"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """Build the wheel from a copy of the repository, install it into a new venv; return the paths."""
    tmp = tmp_path_factory.mktemp("packaging")
    source = copy_of_clone(tmp / "source", *BUILD_INPUTS)
    # a language's folder of rule files (rules/<lang>/) must be shipped with the rest of the tree
    (source / "models" / "rules" / "xx").mkdir()
    shutil.copy2(ROOT / "models" / "rules" / "names.yaml", source / "models" / "rules" / "xx" / "names.yaml")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", str(source), "-w", str(tmp / "dist")],
        check=True,
        env=clean_env(),
        cwd=tmp,
    )
    (wheel,) = (tmp / "dist").glob("namelink-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lent = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    Path(purelib, "lent-dependencies.pth").write_text("\n".join(lent) + "\n", encoding="utf-8")
    subprocess.run(
        [*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index", "--ignore-installed", str(wheel)],
        check=True,
        env=clean_env(),
    )
    work = tmp / "elsewhere"
    (work / "texts").mkdir(parents=True)
    (work / "texts" / "exile.txt").write_text(TEXT, encoding="utf-8")
    return {"wheel": wheel, "venv": venv, "purelib": Path(purelib), "work": work, "source": source}


def namelink(installed: dict[str, Path], *args: str, **env: str | Path) -> subprocess.CompletedProcess:
    """The installed ``namelink`` console script, run in the folder outside the project."""
    command = [str(installed["venv"] / "bin" / "namelink"), *args]
    variables = clean_env(**{k: str(v) for k, v in env.items()})
    return subprocess.run(command, cwd=installed["work"], env=variables, capture_output=True, text=True)


def person_links(out: Path) -> list[tuple[str, str]]:
    (record,) = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(e["text"], e["entity_id"]) for e in record["entities"] if e["label"] == "PERSON"]


def test_the_wheel_holds_the_whole_models_tree(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    shipped = {n.removeprefix("pipeline/_models/") for n in names if n.startswith("pipeline/_models/")}
    tracked = {
        str(p.relative_to(installed["source"] / "models"))
        for p in (installed["source"] / "models").rglob("*")
        if p.is_file()
    }
    assert "kb/persons.yaml" in shipped and "rules/xx/names.yaml" in shipped
    assert shipped == tracked
    assert not any(n.startswith("models/") for n in names)  # inside the package, not a top-level "models"


def test_the_installed_package_finds_its_packaged_models(installed):
    probe = "import pipeline, pipeline.resources as r; print(pipeline.__file__); print(r.models_dir())"
    result = subprocess.run(
        [installed["venv"] / "bin" / "python", "-c", probe],
        cwd=installed["work"],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    package, models = map(Path, result.stdout.split("\n")[:2])
    assert package.is_relative_to(installed["purelib"])  # the wheel's code, not the checkout's
    assert models == installed["purelib"] / "pipeline" / "_models"


def test_namelink_run_from_a_folder_outside_the_project_links_trotsky(installed):
    result = namelink(installed, "run", "texts", "--out", "out", "-q")
    assert result.returncode == 0, result.stderr
    found = person_links(installed["work"] / "out")
    assert ("Lev Davidovich Bronstein", "leon-trotsky") in found
    assert ("Leon Trotsky", "leon-trotsky") in found and ("Trotsky", "leon-trotsky") in found


def test_the_report_renders_from_the_wheels_templates(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert {"pipeline/review/report/templates/document.html", "pipeline/review/report/static/report.js"} <= names
    ran = namelink(installed, "run", "texts", "--out", "out-report", "-q")
    assert ran.returncode == 0, ran.stderr
    result = namelink(installed, "report", "out-report", "--html", "html")
    assert result.returncode == 0, result.stderr
    page = (installed["work"] / "html" / "entities" / "leon-trotsky.html").read_text(encoding="utf-8")
    assert "https://www.wikidata.org/wiki/Q33391" in page and "Russian revolutionary" in page
    assert (installed["work"] / "html" / "assets" / "report.js").is_file()


def test_namelink_models_and_the_models_option_still_win(installed):
    empty = installed["work"] / "no-models"
    empty.mkdir(exist_ok=True)
    result = namelink(installed, "run", "texts", "--out", "out-env", "-q", NAMELINK_MODELS=empty)
    assert result.returncode == 2 and "no-models" in result.stderr  # the variable's folder was read
    packaged = str(installed["purelib"] / "pipeline" / "_models")
    result = namelink(installed, "run", "texts", "--out", "out-opt", "-q", "--models", packaged, NAMELINK_MODELS=empty)
    assert result.returncode == 0, result.stderr
    assert ("Leon Trotsky", "leon-trotsky") in person_links(installed["work"] / "out-opt")


# -- models_dir's order, on folders of our own ------------------------------------------------------


def test_default_models_dir_prefers_the_packaged_copy(tmp_path):
    package = tmp_path / "site" / "pipeline"
    (package / "_models").mkdir(parents=True)
    (tmp_path / "site" / "models").mkdir()  # a stray top-level models/ in site-packages is not ours
    assert default_models_dir(package) == package / "_models"


def test_default_models_dir_is_the_checkouts_without_a_packaged_copy(tmp_path):
    package = tmp_path / "checkout" / "pipeline"
    package.mkdir(parents=True)
    assert default_models_dir(package) == tmp_path / "checkout" / "models"


def test_models_dir_order_argument_then_variable_then_default(tmp_path, monkeypatch):
    monkeypatch.setenv("NAMELINK_MODELS", str(tmp_path / "env"))
    assert models_dir(tmp_path / "arg") == tmp_path / "arg"
    assert models_dir() == tmp_path / "env"
    monkeypatch.delenv("NAMELINK_MODELS")
    assert models_dir() == default_models_dir(Path(__file__).resolve().parent.parent / "pipeline")

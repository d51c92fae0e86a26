"""Package data that pyproject.toml cannot declare: the top-level ``models/`` folder.

Everything else (metadata, dependencies, entry points) is in pyproject.toml.
The report's templates and static files (``pipeline/review/report/templates``,
``static``) are package data of their package, listed here too.

``models/`` stays at the top of the repository (people edit it there, and
``NAMELINK_MODELS`` copies start from it), and a wheel ships it as
``pipeline/_models/`` so that a non-editable install runs from any folder
(``pipeline.resources.models_dir`` looks there first).

Why setuptools' package-dir mapping and not another backend's copy option:
setuptools is the backend already, so nothing new is needed to build, and a
package found by ``find_packages`` plus one mapped folder is two lines here;
``**/*`` takes the whole tree, ``rules/<lang>/`` folders and ``learned/``
included, so a new subfolder needs no change here. (pyproject.toml's
``[tool.setuptools]`` cannot join a mapped folder to the packages it finds.)
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["pipeline*"]), "pipeline._models"],
    package_dir={"pipeline._models": "models"},
    package_data={
        "pipeline._models": ["**/*"],
        # the HTML report's Jinja2 templates, stylesheet and script (pipeline/review/report/)
        "pipeline.review.report": ["templates/*.html", "static/*"],
    },
    exclude_package_data={"pipeline._models": ["**/__pycache__/*", "**/*.pyc"]},
)

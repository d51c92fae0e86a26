"""Rule data per language (``models/rules/<lang>/``), on real sentences of each language (issue 11).

The sentences are written for these tests, in the style of the sources: a
Sûreté report, a Political Police file, a Mexican police record, a Fraktur
newspaper with its long s.
"""

from __future__ import annotations

import pytest

from pipeline.kb.lexicon import word_zipf
from pipeline.resources import NameRules, RecogniseRules


def persons(pipe, text: str, language: str) -> dict[str, str]:
    """Text -> entity id of each PERSON of ``text``, which must be read as ``language``."""
    record = pipe.process_text(text, "t")
    assert record["language"] == language
    return {e["text"]: e["entity_id"] for e in record["entities"] if e["label"] == "PERSON"}


# -- the data --------------------------------------------------------------------------------------


def test_a_language_adds_its_words_to_the_general_lists():
    general, german = NameRules.load(), NameRules.load(lang="de")
    assert "genosse" in german.titles and "genosse" not in general.titles
    assert set(general.titles) <= set(german.titles)  # added to, never replacing
    assert NameRules.load(lang="xx") == general  # a language without a folder: the general rules
    assert "rue" in RecogniseRules.load(lang="fr").eponym_heads_before
    assert RecogniseRules.load().eponym_heads_before == ()


def test_word_frequencies_are_those_of_the_language():
    german = word_zipf("de")
    assert german("Zeitung") > 4.5 > german("Kaschke")
    assert word_zipf("xx")("Zeitung") == 0.0 and word_zipf(None)("Zeitung") == 0.0


def test_a_language_with_rules_of_its_own_but_no_model_is_read_by_the_default_model_with_its_rules(pipe):
    lane = pipe.lane("es")
    assert lane is not pipe and lane.nlp.lang == "en" and lane.language == "es"
    assert "jefe" in lane.shared.names.titles and "jefe" not in pipe.shared.names.titles
    assert pipe.lane("it") is pipe  # neither a model nor rules of its own


# -- French ----------------------------------------------------------------------------------------


def test_french_streets_and_clinics_named_after_people_are_no_people(pipe):
    text = (
        "Le jeune Léon Sedov est mort hier soir à la clinique Mirabeau, rue Narcisse-Diaz. Il habitait "
        "avec sa compagne rue Lacretelle, près de l'avenue Foch, et travaillait pour son père."
    )
    found = persons(pipe, text, "fr")
    assert found.get("Léon Sedov") == "lev-sedov"
    assert not {"Mirabeau", "Lacretelle", "Foch", "Narcisse-Diaz"} & set(found)


def test_french_titles_me_and_mm_stay_outside_the_span(pipe):
    text = (
        "Par l'intermédiaire de Me Gérard Rosenthal, la famille a déposé une plainte. Le procès de "
        "MM. Boukharine et Rykov s'ouvrira la semaine prochaine devant le tribunal de Moscou."
    )
    found = persons(pipe, text, "fr")
    assert "Gérard Rosenthal" in found and not any(t.startswith(("Me ", "MM")) for t in found)
    assert found.get("Boukharine") == "nikolai-bukharin"


def test_a_french_register_writes_the_surname_first_in_capitals(pipe):
    text = (
        "Le commissaire signale le séjour à Barbizon du nommé BRONSTEIN Léon, dit TROTSKY, réfugié "
        "politique, et de la nommée SEDOVA Natalia, son épouse, née en 1882 à Romny en Russie."
    )
    found = persons(pipe, text, "fr")
    assert found.get("BRONSTEIN Léon") == "leon-trotsky"
    assert found.get("SEDOVA Natalia") == "natalia-sedova"
    assert "Léon" not in found and "BRONSTEIN" not in found  # one mention each, not two


def test_a_french_preposition_before_a_name_stays_outside_it(pipe):
    text = "La fille de Trotsky, Zinaïda Volkova, vivait alors à Berlin avec son fils de cinq ans."
    found = persons(pipe, text, "fr")
    assert found.get("Trotsky") == "leon-trotsky" and "de Trotsky" not in found


# -- German ----------------------------------------------------------------------------------------


def test_german_role_nouns_and_forms_of_address_stay_outside_the_span(pipe):
    text = (
        "In Prinkipo lebte Trotzki mit seinem Sohn Leo Sedow; der Genosse Grylewicz besorgte in Berlin "
        "den Druck, und die Witwe Krause vermietete das Zimmer an die Schwester Olga."
    )
    found = persons(pipe, text, "de")
    assert found.get("Leo Sedow") == "lev-sedov" and "Grylewicz" in found and "Krause" in found
    assert not any(t.split()[0] in {"Sohn", "Genosse", "Witwe", "Schwester"} for t in found)


def test_a_german_police_file_writes_surname_comma_given_with_its_glosses(pipe):
    text = (
        "Betrifft: Sedow, Leo, geb. 24.2.1906 in St. Petersburg, russischer Staatsangehöriger, Sohn des "
        "Trotzki, Leo, eigentl. Bronstein. Er verkehrt mit der Molinier, Jeanne geb. Martin, in Berlin."
    )
    found = persons(pipe, text, "de")
    assert found.get("Sedow, Leo") == "lev-sedov"
    assert found.get("Trotzki, Leo") == "leon-trotsky"
    assert found.get("Molinier, Jeanne") == "jeanne-molinier"


def test_an_unknown_name_in_german_is_found_by_its_rarity_and_a_german_noun_is_not(pipe):
    text = (
        "Die Hauswirtin, Frau Minna Kaſchke, bemerkte geſtern gegen 17 Uhr den Gasgeruch in der "
        "Wohnung und rief die Polizei, ſo ſchreibt die Zeitung über den Tod der Tochter."
    )
    record = pipe.process_text(text, "t")
    found = {e["text"]: e for e in record["entities"] if e["label"] == "PERSON"}
    assert "Minna Kaschke" in found  # the long s read as s
    mention = found["Minna Kaschke"]
    assert text[mention["raw_start"] : mention["raw_end"]] == "Minna Kaſchke"  # the source's letters
    assert not {"Hauswirtin", "Wohnung", "Polizei", "Zeitung", "Tochter", "Gasgeruch"} & set(found)


def test_a_german_street_compound_is_no_person(pipe):
    text = "Das Büro der Opposition lag in der Karl-Liebknecht-Straße, nicht weit vom Lenin-Platz in Berlin."
    found = persons(pipe, text, "de")
    assert not {"Liebknecht", "Karl-Liebknecht", "Lenin", "Karl"} & set(found)


# -- Spanish ---------------------------------------------------------------------------------------


def test_spanish_compound_names_titles_and_streets(pipe):
    text = (
        "Ayer el licenciado Octavio Medellín Ostos visitó al detenido, Jaime Ramón Mercader del Río, "
        "en la Sexta Delegación de la avenida Hidalgo. También declaró el testigo José García y Ortega."
    )
    found = persons(pipe, text, "es")
    assert "Octavio Medellín Ostos" in found
    assert found.get("Jaime Ramón Mercader del Río") == "ramon-mercader"
    assert "José García y Ortega" in found  # one mention: a Spanish compound surname
    assert "Hidalgo" not in found and not any(t.startswith("licenciado") for t in found)


@pytest.mark.parametrize("language", ["fr", "de", "es"])
def test_every_language_folder_holds_only_known_rule_files(language):
    from pipeline.kb.validate import RULE_SCHEMAS
    from pipeline.resources import DEFAULT_MODELS_DIR

    files = {p.stem for p in (DEFAULT_MODELS_DIR / "rules" / language).glob("*.yaml")}
    assert files and files <= set(RULE_SCHEMAS)


# -- Russian ---------------------------------------------------------------------------------------


def test_russian_streets_and_works_named_after_people_are_no_people(pipe):
    text = (
        "На митинге рабочих завода имени Ильича выступил слесарь тов. Кузьмин. Он живёт на улице "
        "Ленина, рядом с заводом им. Будённого, и говорит, что Троцкий и Зиновьев предатели."
    )
    found = persons(pipe, text, "ru")
    assert found.get("Троцкий") == "leon-trotsky" and found.get("Зиновьев") == "grigory-zinoviev"
    assert "Кузьмин" in found
    assert not {"Ильича", "Ленина", "Будённого"} & set(found)


def test_a_rare_word_after_a_german_title_is_a_surname_and_a_common_noun_is_not(pipe):
    text = (
        "Zum Fest erschienen Kommandant Bürkli, Antistes Finsler und Hr. Mäder mit dem Chor. Nach dem "
        "Beschluss der Minister Elemente eines Heeres zu bilden, tagte die Versammlung in Zürich."
    )
    found = persons(pipe, text, "de")
    assert {"Bürkli", "Finsler", "Mäder"} <= set(found)
    assert not {"Elemente", "Versammlung", "Beschluss", "Chor"} & set(found)
    assert not any(t.split()[0] in {"Kommandant", "Antistes", "Hr", "Hr."} for t in found)

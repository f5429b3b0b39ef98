"""``import_universities``: loads the registry once, then only updates what the file changed."""

import json

import pytest
from django.core.management import CommandError, call_command

from exchanges.models import PartnerInstitution

ROWS = [
    {"name": "University of Oxford", "alpha_two_code": "GB", "country": "United Kingdom",
     "domains": ["ox.ac.uk"], "web_pages": ["http://www.ox.ac.uk/"], "state-province": None},
    {"name": "Korea University", "alpha_two_code": "KR", "country": "Korea, Republic of",
     "domains": ["korea.ac.kr"], "web_pages": ["http://www.korea.ac.kr/"], "state-province": None},
    {"name": "Korea University", "alpha_two_code": "JP", "country": "Japan",
     "domains": ["korea-u.ac.jp"], "web_pages": ["http://www.korea-u.ac.jp/"], "state-province": None},
    # The file lists some institutions twice: one partner, domains merged.
    {"name": "Cornell College", "alpha_two_code": "US", "country": "United States",
     "domains": ["cornellcollege.edu"], "web_pages": ["http://www.cornellcollege.edu/"], "state-province": None},
    {"name": "Cornell College", "alpha_two_code": "US", "country": "United States",
     "domains": ["cornell-iowa.edu"], "web_pages": ["http://www.cornell-iowa.edu/"], "state-province": None},
    {"name": "ILIRIA College", "alpha_two_code": "XK", "country": "Kosovo",
     "domains": ["uiliria.org"], "web_pages": ["http://www.uiliria.org/"], "state-province": None},
]


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "world_universities_and_domains.json"
    path.write_text(json.dumps(ROWS), encoding="utf-8")
    return path


def run(path, capsys):
    call_command("import_universities", str(path))
    return capsys.readouterr().out


def test_loads_every_university_with_country_website_and_domains(db, registry, capsys):
    out = run(registry, capsys)
    assert "4 created" in out and "Skipped 1" in out
    oxford = PartnerInstitution.objects.get(name="University of Oxford")
    assert (oxford.country.code, oxford.website, oxford.domains, oxford.kind) == (
        "GB", "http://www.ox.ac.uk/", ["ox.ac.uk"], "university")
    assert PartnerInstitution.objects.get(name="Cornell College").domains == ["cornellcollege.edu",
                                                                               "cornell-iowa.edu"]
    # Same name in two countries: each keeps a unique name.
    assert set(PartnerInstitution.objects.filter(name__startswith="Korea University").values_list(
        "name", flat=True)) == {"Korea University (Japan)", "Korea University (South Korea)"}


def test_a_second_run_adds_nothing(db, registry, capsys):
    run(registry, capsys)
    history = PartnerInstitution.history.count()
    out = run(registry, capsys)
    assert "0 created, 0 updated, 4 unchanged" in out
    assert PartnerInstitution.objects.count() == 4
    assert PartnerInstitution.history.count() == history


def test_an_updated_file_updates_and_keeps_the_office_names(db, registry, capsys):
    run(registry, capsys)
    PartnerInstitution.objects.filter(name="University of Oxford").update(name_zh="牛津大学")
    rows = json.loads(registry.read_text())
    rows[0]["web_pages"] = ["https://www.ox.ac.uk/"]
    rows[0]["domains"] = ["ox.ac.uk", "oxford.ac.uk"]
    registry.write_text(json.dumps(rows))
    out = run(registry, capsys)
    assert "0 created, 1 updated" in out
    oxford = PartnerInstitution.objects.get(name="University of Oxford")
    assert (oxford.website, oxford.domains, oxford.name_zh, oxford.version) == (
        "https://www.ox.ac.uk/", ["ox.ac.uk", "oxford.ac.uk"], "牛津大学", 2)


def test_a_partner_entered_by_hand_is_found_again_by_its_domain(db, registry, capsys):
    PartnerInstitution.objects.create(name="牛津大学", country="GB", domains=["ox.ac.uk"])
    run(registry, capsys)
    assert not PartnerInstitution.objects.filter(name="University of Oxford").exists()


def test_a_missing_or_broken_file_is_reported(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_universities", str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("import_universities", str(broken))

"""One Chinese catalogue, complete, compiled, one translation per msgid (with its context), and
no label that is a raw attribute name.

A fresh machine shows Chinese without gettext because the .mo file is committed; these tests
catch a .po edited without recompiling, a string left untranslated, an app growing a catalogue
of its own again (Django then picks one of two translations by app order: 标题 for a staff
member's 职称), and a page row labelled "duration_days".
"""

from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.urls import URLResolver, get_resolver
from django.utils import translation
from django.utils.functional import Promise

from intlportal.views import RecordDetailView

ROOT = Path(__file__).resolve().parents[2]
PROJECT_CATALOGUE = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
NOT_OURS = {".venv", ".venv-cas", "node_modules", "staticfiles", ".git"}
OUR_APPS = {"intlportal", "faculties", "staff", "exchanges", "programs", "assessment", "dataexchange",
            "notifications", "workqueue", "api", "demo"}


def po_files() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/*.po") if not NOT_OURS & set(p.relative_to(ROOT).parts))


CATALOGUES = po_files()


def test_the_project_has_one_chinese_catalogue():
    assert CATALOGUES == [PROJECT_CATALOGUE], (
        "one catalogue only (locale/zh_Hans): merge these into it and delete them: "
        f"{[str(p.relative_to(ROOT)) for p in CATALOGUES if p != PROJECT_CATALOGUE]}")


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete]
    assert not untranslated, f"untranslated in {po_path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy}"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(mo_path))}
    for entry in po:
        if entry.obsolete or not entry.translated():
            continue
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{entry.msgid!r} is not compiled into {mo_path}: run compilemessages"
        if not entry.msgid_plural:
            assert compiled[key][0] == entry.msgstr, f"{mo_path} is stale for {entry.msgid!r}"


def test_no_msgid_has_two_translations():
    # A homonym is told apart by a pgettext context; the same (context, msgid) translated two
    # ways means Django shows whichever catalogue it reads first.
    translations = defaultdict(set)
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or not entry.translated():
                continue
            value = entry.msgstr or tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
            translations[(entry.msgctxt, entry.msgid)].add(value)
    twice = {key: sorted(map(str, values)) for key, values in translations.items() if len(values) > 1}
    assert not twice, f"translated two ways (give one meaning a pgettext context): {twice}"


def test_the_office_has_one_chinese_name():
    po = polib.pofile(str(PROJECT_CATALOGUE))
    variants = [e.msgid for e in po for text in (e.msgstr, *e.msgstr_plural.values())
                if any(name in text for name in ("国际处", "外事处", "外事办"))]
    assert not variants, f"the office is 国际交流与合作处: {variants}"


def test_the_interface_translates_to_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Sign in") == "登录"
        assert translation.gettext("Faculties") == "学院"


def label(model, field_name):
    return str(model._meta.get_field(field_name).verbose_name)


@pytest.mark.parametrize(("app_model", "field_name", "chinese"), [
    ("staff.StaffMember", "name", "姓名"),
    ("faculties.LeadingGroupMember", "name", "姓名"),
    ("exchanges.PartnerInstitution", "name", "名称"),
    ("staff.StaffMember", "title", "职称"),
    ("staff.Publication", "title", "题名"),
    ("exchanges.Agreement", "title", "名称"),
    ("programs.ProgramTeacherTraining", "title", "名称"),
    ("programs.ProgramTeacherTraining", "participants", "参训人数"),
    ("exchanges.Event", "participants_total", "参加人数"),
    ("staff.TeachingEvaluation", "score", "得分"),
    ("staff.LanguageAssessment", "score", "成绩"),
    ("exchanges.StudentLanguageTest", "score", "成绩"),
    ("staff.LanguageAssessment", "language", "语种"),
    ("intlportal.User", "language", "语言"),
    ("faculties.LeadingGroupMember", "position", "职务"),
    ("assessment.Indicator", "position", "排序"),
    ("programs.CooperativeProgram", "code", "编号"),
    ("faculties.Faculty", "code", "代码"),
    ("programs.CooperativeProgram", "partners", "外方合作院校"),
    ("exchanges.Event", "partners", "合作方"),
])
def test_a_homonym_reads_as_its_meaning_in_chinese(app_model, field_name, chinese):
    with translation.override("zh-hans"):
        assert label(apps.get_model(app_model), field_name) == chinese


def test_status_and_action_homonyms_read_as_their_meaning_in_chinese():
    from exchanges.models import Agreement
    from programs.models import CooperativeProgram
    from programs.views import ACTION_LABELS
    from staff.models import ForeignTeacherContract

    with translation.override("zh-hans"):
        assert str(Agreement.Status.ACTIVE.label) == "生效中"
        assert str(ForeignTeacherContract.Status.ACTIVE.label) == "有效"
        assert str(Agreement.Status.TERMINATED.label) == "已终止"
        assert str(ForeignTeacherContract.Status.TERMINATED.label) == "已解除"
        assert str(CooperativeProgram.Status.APPROVED.label) == "已获批"
        assert str(ACTION_LABELS["close"]) == "终止办学"
        page = Template('{% load i18n %}{% translate "Close" %}|{% translate "value" context "spreadsheet cell" %}|'
                        '{% translate "History" %}|{% translate "History" context "program lifecycle" %}')
        assert page.render(Context()) == "关闭|填写内容|修改记录|办理记录"


def our_models():
    # simple_history's Historical* models copy the fields of the models checked here.
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS and not hasattr(m, "instance_type")]


def generic_key_columns(model) -> set[str]:
    # A generic reference's content type and object id: plumbing no form or page labels.
    columns = {name for f in model._meta.private_fields if isinstance(f, GenericForeignKey)
               for name in (f.ct_field, f.fk_field)}
    if any(f.is_relation and f.related_model is ContentType for f in model._meta.concrete_fields):
        columns |= {"content_type", "object_id"}
    return columns


def test_no_model_field_is_labelled_with_its_attribute_name():
    raw = []
    for model in our_models():
        plumbing = generic_key_columns(model)
        for field in model._meta.get_fields():
            if field.auto_created or not field.concrete or field.primary_key or field.name in plumbing:
                continue
            name = field.verbose_name
            with translation.override("en"):
                if not isinstance(name, Promise) or "_" in str(name):
                    raw.append(f"{model.__name__}.{field.name}: {name!r}")
    assert not raw, f"give these fields a translated verbose_name: {raw}"


def detail_views(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from detail_views(pattern.url_patterns)
            continue
        view = getattr(pattern.callback, "view_class", None)
        if view is not None and issubclass(view, RecordDetailView):
            yield view


def row_label(model, entry):
    """The label a detail row shows, unstringified, or None when it would show a raw name."""
    if isinstance(entry, tuple):
        return entry[1]
    current, found = model, None
    for part in entry.split("__"):
        try:
            field = current._meta.get_field(part)
        except Exception:  # noqa: BLE001 - a property or annotation: it has no verbose_name
            return None
        found = field.verbose_name
        if field.is_relation and field.related_model is not None:
            current = field.related_model
    return found


def test_every_detail_page_row_has_a_translated_label():
    views = sorted(set(detail_views()), key=lambda v: v.__name__)
    assert views, "no RecordPages detail page found"
    raw = [f"{view.__name__}: {entry!r}" for view in views for entry in view.detail_fields
           if not isinstance(row_label(view.model, entry), Promise)]
    assert not raw, ("label these rows: a field's verbose_name or detail_fields=[(path, gettext_lazy(...))]: "
                     f"{raw}")

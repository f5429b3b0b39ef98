"""``{% load documents %}{% document_panel object %}``: on a record's page, the documents the user
may make from it and those kept with it that the user may download.

Self-contained: it reads the user from the request in the template's context and asks for
nothing else.  Queries, whatever the number of documents: the documents kept with the record
(and, for the office on a visit's page, the visit's members, for their visa invitations).
"""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from documents import catalogue, rendering
from documents.models import GeneratedDocument
from intlportal import access

register = template.Library()


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def document_panel(context, record):
    request = context.get("request")
    user = getattr(request, "user", None)
    entries = catalogue.kinds_for_page(type(record))
    if user is None or record is None or getattr(record, "pk", None) is None or not entries \
            or not access.can_view(user, record):
        return {"shown": False}
    office = access.can_see_personal_data(user)
    offers, wanted, labels = [], Q(), {}
    for entry in entries:
        if entry.personal_data and not office:
            continue  # neither made nor listed for anyone else
        content_type = ContentType.objects.get_for_model(entry.model)
        targets = list(entry.records_on_page(record))
        ids = [target.pk for target in targets]
        wanted |= Q(content_type=content_type, object_id__in=ids)
        if entry.model is not type(record):
            labels.update({(content_type.pk, target.pk): entry.record_label(target) for target in targets})
        choices = []
        for target in targets:
            if catalogue.may_generate(user, entry.kind, target):
                refusal = entry.refusal(target)
                choices.append({"record": target, "label": entry.record_label(target) if entry.model is not type(
                    record) else "", "refusal": str(refusal) if refusal else ""})
        # A document per member (a visa invitation) is offered to the office even before the
        # delegation has members: the panel then says it has none yet.
        if choices or (entry.model is not type(record) and office):
            offers.append({"entry": entry, "choices": choices})
    documents = []
    if wanted:
        kept = GeneratedDocument.objects.filter(wanted).select_related("generated_by")
        if not office:
            kept = kept.filter(personal_data=False)
        for document in kept:
            document.about = labels.get((document.content_type_id, document.object_id), "")
            document.kind_label = catalogue.KINDS[document.kind].label if document.kind in catalogue.KINDS \
                else document.get_kind_display()
            documents.append(document)
    return {
        "shown": True, "record": record, "offers": offers, "documents": documents,
        "pdf_available": rendering.pdf_available(), "csrf_token": context.get("csrf_token"), "request": request,
        "panel_id": f"documents-{record._meta.model_name}-{record.pk}",
    }

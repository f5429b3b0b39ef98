"""The office's upload of a new version of a template."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from documents import rendering


class TemplateUploadForm(forms.Form):
    """A new version of one template: the Word file (checked by ``rendering.check_template``
    before anything is saved) and what changed."""

    file = forms.FileField(label=_("Word template (.docx)"),
                           help_text=_("Edit the current version in Word, keep the merge fields listed on this page, "
                                       "save as .docx and upload it here."),
                           widget=forms.ClearableFileInput(attrs={
                               "accept": ".docx,application/vnd.openxmlformats-officedocument"
                                         ".wordprocessingml.document"}))
    note = forms.CharField(label=_("what changed"), max_length=300, required=False,
                           help_text=_("For example: new letterhead, new signature."))

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.fields_used = rendering.check_template(upload, self.kind)
        return upload

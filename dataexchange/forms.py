from django import forms
from django.utils.translation import gettext_lazy as _

from dataexchange.files import FileRejected, max_upload_bytes, sniff


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel workbook (.xlsx), or a CSV or Unicode text file (.csv, .txt) as Excel saves it, "
                    "with the template's header row. Title rows above the header are skipped."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB. Split it into several files and import them one by one."),
                params={"mb": max_upload_bytes() // (1024 * 1024)}, code="too_large")
        try:
            sniff(upload, name=upload.name)
        except FileRejected as rejected:
            raise forms.ValidationError(str(rejected), code="not_a_spreadsheet") from None
        return upload

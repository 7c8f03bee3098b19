from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms

from danvan.reports.checker import MAX_BYTES

ACCEPTED_SUFFIXES = (".docx", ".txt", ".md")


class ReportCheckForm(forms.Form):
    file = forms.FileField(
        label="Tệp báo cáo (.docx, .txt, .md; tối đa 5 MB)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )
    text = forms.CharField(
        label="Hoặc dán nội dung báo cáo",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if Path(upload.name or "").suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError("Chỉ nhận tệp .docx, .txt hoặc .md.")
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError("Tệp lớn hơn 5 MB. Hãy tải lên bản không kèm hình ảnh.")
        if not upload.size:
            raise forms.ValidationError("Tệp rỗng, không có nội dung để kiểm tra.")
        return upload

    def clean_text(self) -> str:
        text: str = self.cleaned_data.get("text") or ""
        if len(text.encode("utf-8")) > MAX_BYTES:
            raise forms.ValidationError("Nội dung dài hơn 5 MB.")
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("file") and not cleaned.get("text", "").strip():
            raise forms.ValidationError("Hãy chọn một tệp báo cáo hoặc dán nội dung cần kiểm tra.")
        return cleaned

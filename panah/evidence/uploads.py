"""An upload handler that keeps an evidence file in memory only, so its plain bytes never reach a
temporary file on disk (Django writes uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to one). It keeps at most
PANAH_FILES_MAX_BYTES + 1 bytes and counts the rest, so a file too large is refused by the form with a
message naming the field, and memory stays bounded."""

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class InMemoryOnly(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        keep = settings.PANAH_FILES_MAX_BYTES + 1 - self.buffer.tell()
        if keep > 0:
            self.buffer.write(raw_data[:keep])
        self.seen += len(raw_data)
        return None  # no other handler gets the data

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.seen,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

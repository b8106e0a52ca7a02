"""Images people upload (logos, receipts): decoded and written anew, never kept as sent.

Re-encoding with Pillow drops whatever rides along in the file (metadata, an
appended archive, a script in a polyglot) and proves the file is the image it
claims to be, whole (a truncated file is refused, whatever a library set); a
pixel bound keeps decompression bombs out.
"""

import io
import threading
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, UnidentifiedImageError

STRICT_DECODING = threading.Lock()


@contextmanager
def truncation_refused():
    """Pillow's process-wide LOAD_TRUNCATED_IMAGES off while an upload is decoded, then
    back as it was.

    A library may turn it on for the whole process when imported (WeasyPrint did), and
    with it on Pillow pads a cut-off image with grey instead of failing: a truncated PNG
    would pass for a logo. The lock keeps two checks from restoring each other's value. A PDF rendered
    meanwhile in another thread reads the flag off too, which is harmless: its images
    are the uploads this very check let in, whole.
    """
    with STRICT_DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def reencode_image(data, fmt, *, max_pixels, too_large, bomb):
    """PNG or JPEG bytes, written anew; ValidationError with a clear message otherwise.

    too_large: the message for an image over max_pixels (%(width)s, %(height)s);
    bomb: the message for one whose header claims absurd dimensions.
    """
    try:
        with truncation_refused(), Image.open(io.BytesIO(data), formats=[fmt]) as image:
            if fmt == "PNG":
                # Every chunk to IEND, each checksum right: a PNG cut after its pixel data
                # decodes whole, yet is no whole file.
                image.verify()
                image = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    too_large, code="invalid", params={"width": width, "height": height}
                )
            image.load()
            out = io.BytesIO()
            if fmt == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=90)
            else:
                if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    image = image.convert("RGBA")
                image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except Image.DecompressionBombError:
        raise ValidationError(bomb, code="invalid") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The image could not be read: the file is damaged or is not really a %(fmt)s."),
            code="invalid",
            params={"fmt": fmt},
        ) from None

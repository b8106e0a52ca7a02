"""Images people upload (logos, receipts): decoded and written anew, never kept as sent.

Re-encoding with Pillow drops whatever rides along in the file (metadata, an
appended archive, a script in a polyglot) and proves the file is the image it
claims to be; a pixel bound keeps decompression bombs out.
"""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError


def reencode_image(data, fmt, *, max_pixels, too_large, bomb):
    """PNG or JPEG bytes, written anew; ValidationError with a clear message otherwise.

    too_large: the message for an image over max_pixels (%(width)s, %(height)s);
    bomb: the message for one whose header claims absurd dimensions.
    """
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
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

"""Watson's `frames` file: JSON, UTC timestamps, a frame id each."""

import json
import re
from datetime import UTC, datetime

from patron.system.importing import ImportRefused, RowError, decode_text
from patron.work.importers.common import Row, TimeImporter
from patron.work.importers.reading import cell_text

FRAME_ID = re.compile(r"[0-9a-f]{32}")


class WatsonImporter(TimeImporter):
    """Watson's `frames` file: [[start, stop, project, id, tags, updated_at], …] in UTC seconds."""

    kind = "watson"

    def read(self, data):
        try:
            frames = json.loads(decode_text(data))
        except ValueError as e:
            raise ImportRefused(f"This is not a Watson frames file: {e}.") from e
        except RecursionError:
            # json gives up on lists in lists in lists… deeper than Python's stack: a frames
            # file nests three deep, so this is no frames file (or a hostile one).
            raise ImportRefused(
                "This is not a Watson frames file: it is nested far too deeply "
                "(a frames file is a list of frames, each a list)."
            ) from None
        if not isinstance(frames, list):
            raise ImportRefused("This is not a Watson frames file: it should be a JSON list.")
        rows, errors = [], []
        for number, frame in enumerate(frames, start=1):
            if not isinstance(frame, list) or len(frame) < 4:
                errors.append(RowError(number, "it is not a frame [start, stop, project, id…]."))
                continue
            start, stop, project, frame_id = frame[:4]
            tags = frame[4] if len(frame) > 4 else []
            if not all(
                isinstance(t, int | float) and not isinstance(t, bool) for t in (start, stop)
            ):
                errors.append(RowError(number, "its start and stop are not timestamps."))
                continue
            if not isinstance(project, str) or not project.strip():
                errors.append(RowError(number, "it has no project."))
                continue
            if not isinstance(frame_id, str) or not FRAME_ID.fullmatch(frame_id.replace("-", "")):
                errors.append(RowError(number, "its id is not a Watson frame id."))
                continue
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                errors.append(RowError(number, "its tags are not a list of words."))
                continue
            try:
                begin = datetime.fromtimestamp(int(start), UTC)
                end = datetime.fromtimestamp(int(stop), UTC)
            except (ValueError, OverflowError, OSError):
                errors.append(RowError(number, "its start or stop is out of range."))
                continue
            rows.append(
                Row(
                    number=number,
                    project=cell_text(project),
                    start=begin,
                    end=end,
                    tags=tuple(t for t in (cell_text(t) for t in tags) if t),
                    source=f"watson:{frame_id.replace('-', '')}",
                )
            )
        return rows, errors

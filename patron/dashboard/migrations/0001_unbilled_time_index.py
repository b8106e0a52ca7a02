"""A partial index of the time not invoiced yet, for the dashboard and the effective rate.

Ten years of entries are almost all invoiced: the unbilled time of a business is its last
weeks. This index holds only those entries (billable, on no invoice), with every column the sums
read, so that the dashboard's unbilled time and its months cost a few thousand rows instead
of every entry. It lives here rather than on work.TimeEntry's Meta because it serves the
dashboard's reads alone; SQLite and PostgreSQL both know partial indexes.
"""

from django.db import migrations

# invoice_id leads, though always NULL here: the query's `invoice_id IS NULL` then finds
# this index as an equality, as it would the foreign key's own index, and SQLite takes this
# one, which also covers every column the sums read.
CREATE = (
    "CREATE INDEX dashboard_unbilled_time ON work_timeentry "
    '(invoice_id, start, project_id, duration_seconds, billable, "end") '
    "WHERE billable AND invoice_id IS NULL"
)
DROP = "DROP INDEX dashboard_unbilled_time"


class Migration(migrations.Migration):
    dependencies = [("work", "0005_one_index_for_entries_by_project")]

    operations = [migrations.RunSQL(CREATE, DROP)]

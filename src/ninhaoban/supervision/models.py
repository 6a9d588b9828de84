"""一张网考评: one fact row per case and the rollups summed from those facts.

`CaseFact` holds what the indicators need of one case (where, which channel, the visits the
applicant made, whether the decision met its due date, how each material was satisfied),
folded from the case's history as it is written. `Rollup` holds, per day × region × intake
region × department × item × channel × hall × window, the sums of every case's
contributions, and beside each day's row the same sums for its month (`grain` "m", `day` the
first of the month), so a year is read as about twelve rows per key, not 365. A fact that
changes takes its old contributions out and puts its new ones in, at both grains, in the
transition's own transaction, so a dashboard is a range scan over sums that are never stale.
Department, item, hall and window are plain integers (0: none; a bundle's parent has no
item, an online application no hall) so the key is never NULL and the unique constraint is
the upsert's conflict target on SQLite and PostgreSQL alike.
"""

from django.db import models

# The measures a rollup row sums, in a fixed order (the upsert's columns). Which case adds
# what to which day is `facts.contributions`; docs/supervision.md gives each formula.
MEASURES = (
    "received",  # applications received (a bundle once), on the day of receipt
    "accepted",  # applications accepted, on the day of acceptance
    "mat_total",  # of accepted applications: materials required (or handed in)
    "mat_licence",  # … satisfied by an electronic licence
    "mat_shared",  # … by another department's shared data
    "mat_government",  # … held by the office itself
    "mat_uploaded",  # … handed in by the applicant
    "mat_deferred",  # … 容缺: accepted with a deferrable material still to come
    "mat_lookup",  # … that a licence or data query could cover (a query was due)
    "mat_fallback",  # … of those, handed in after all (the query failed)
    "decided",  # item cases decided, on the day of decision
    "decided_on_time",  # … on or before their due date
    "decided_in_promise",  # … within the promised working days (承诺时限)
    "work_days",  # … working days from acceptance to decision, summed
    "decided_same_day",  # … decided the day they were accepted (即办)
    "closed",  # applications closed (办结), on the day they closed
    "visits",  # … the applicant's in-person visits, summed
    "closed_one_visit",  # … with at most one visit (最多跑一次)
    "closed_zero_visits",  # … with none (一次不用跑)
    "collab_ended",  # applications that needed another department or region, ended
    "collab_ok",  # … closed on the platform, no material fetched on paper instead
    "open_due",  # item cases whose clock runs, on the day they are due
)
DAY, MONTH = "d", "m"  # Rollup.grain


class CaseFact(models.Model):
    case_id = models.BigIntegerField(primary_key=True)
    top = models.BooleanField(default=True)  # not a bundle's child
    region = models.CharField(max_length=12)
    intake_region = models.CharField(max_length=12)
    department = models.IntegerField(default=0)
    item = models.IntegerField(default=0)
    channel = models.CharField(max_length=8)
    hall = models.IntegerField(default=0)  # the hall that took it in (0: none known)
    window = models.IntegerField(default=0)  # … and the window (0: none known)
    status = models.CharField(max_length=16)
    received_on = models.DateField()
    accepted_on = models.DateField(null=True)
    decided_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    due_date = models.DateField(null=True)
    decision_due = models.DateField(null=True)
    work_days = models.IntegerField(null=True)
    limit_days = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    collaborative = models.BooleanField(default=False)
    mat_total = models.IntegerField(default=0)
    mat_licence = models.IntegerField(default=0)
    mat_shared = models.IntegerField(default=0)
    mat_government = models.IntegerField(default=0)
    mat_uploaded = models.IntegerField(default=0)
    mat_deferred = models.IntegerField(default=0)
    mat_lookup = models.IntegerField(default=0)
    mat_fallback = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region", "received_on"], name="fact_region_received"),
            models.Index(fields=["region", "decided_on"], name="fact_region_decided"),
            models.Index(fields=["region", "closed_on"], name="fact_region_closed"),
        ]


class Rollup(models.Model):
    grain = models.CharField(max_length=1, default=DAY)  # DAY, or MONTH (day = its first)
    day = models.DateField()
    region = models.CharField(max_length=12)
    intake_region = models.CharField(max_length=12)
    department = models.IntegerField()
    item = models.IntegerField()
    channel = models.CharField(max_length=8)
    hall = models.IntegerField(default=0)
    window = models.IntegerField(default=0)
    received = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    mat_total = models.IntegerField(default=0)
    mat_licence = models.IntegerField(default=0)
    mat_shared = models.IntegerField(default=0)
    mat_government = models.IntegerField(default=0)
    mat_uploaded = models.IntegerField(default=0)
    mat_deferred = models.IntegerField(default=0)
    mat_lookup = models.IntegerField(default=0)
    mat_fallback = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    decided_on_time = models.IntegerField(default=0)
    decided_in_promise = models.IntegerField(default=0)
    work_days = models.IntegerField(default=0)
    decided_same_day = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    closed_one_visit = models.IntegerField(default=0)
    closed_zero_visits = models.IntegerField(default=0)
    collab_ended = models.IntegerField(default=0)
    collab_ok = models.IntegerField(default=0)
    open_due = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "day",
                    "region",
                    "intake_region",
                    "department",
                    "item",
                    "channel",
                    "hall",
                    "window",
                ],
                name="rollup_key",
            )
        ]
        # the key's own index, led by grain and day, serves the dashboards' range scans


class PendingEvent(models.Model):
    """A case event not folded into the facts and rollups yet (the outbox): written in the
    transition's own transaction, taken away by `services.drain` in the transaction that
    folds it, so an event is folded once, or not at all if either rolls back."""

    event_id = models.BigIntegerField(primary_key=True)

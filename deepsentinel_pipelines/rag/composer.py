"""One composer: the rows a plan found -> the answer, without a language model.

The direct answer comes first, in one sentence (the number, the time, the person); at most two
sentences of context follow (how an ambiguous question was read, the total it is part of);
then the events that support *that* answer: for "first" the first event, for "longest" that
stay. The composer only restates what it is given; when nothing matched it says so. The words
themselves (times, nouns, scopes) come from ``rag/wording.py``.
"""

from __future__ import annotations

from deepsentinel_pipelines.rag.documents import in_zone
from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.rows import Answer, EventRow, Findings
from deepsentinel_pipelines.rag.site import Site
from deepsentinel_pipelines.rag.wording import (
    counted,
    describe_event,
    duration_words,
    event_noun,
    events_phrase,
    label,
    occupancy_time,
    people_phrase,
    scope_words,
    start_time,
    total_context,
    unknown_time_sentence,
    where_words,
)
from deepsentinel_pipelines.text.timefmt import format_timestamp

#: Events cited in one answer; more are summarised by the count.
MAX_CITED = 5
#: What the footage records, said whenever it cannot tell something.
RECORDS = "it records people's positions, movements, postures and zone/line events"


def compose(plan: QueryPlan, found: Findings, site: Site) -> Answer:
    """The answer to ``plan`` from what its statements found.

    Args:
        plan: The plan.
        found: Its rows.
        site: Names (a line's directions) for the wording.

    Returns:
        The text and the ids of the events it cites.
    """
    op = plan.operation
    if op is Operation.CANNOT_TELL:
        return Answer(
            f"This footage cannot tell {plan.cannot_tell}; {RECORDS}, not what people look "
            "like, what they carry, sounds or vehicles."
        )
    handler = _HANDLERS.get(op, _count)
    head, context, cited = handler(plan, found, site)
    if plan.yes_no and op in _YES_NO_PREFIXED and not head.startswith(("Yes", "No")):
        head = ("Yes: " if (found.value or 0) > 0 else "No: ") + head[0].lower() + head[1:]
    readings = [f"I {r}." if r.startswith("read ") else f"Read: {r}." for r in plan.readings]
    unknown = unknown_time_sentence(cited[:MAX_CITED])
    # At most two sentences of context: how the question was read, whether times are clock
    # times, then what the answer is part of.
    extra = [s for s in (*readings[:2], unknown, *context) if s][:2]
    text = " ".join([head, *extra])
    if cited:
        items = "; ".join(describe_event(row, with_type=True) for row in cited[:MAX_CITED])
        text += f" Events: {items}."
    return Answer(text, tuple(row.event_id for row in cited[:MAX_CITED]))


# --- one handler per operation: (direct answer, context sentences, cited events) ---------------

_Handled = tuple[str, list[str], list[EventRow]]


def _count(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f, n = plan.filters, found.total or 0
    scope = scope_words(f, plan)
    if plan.subject is Subject.TRACKS:
        head = f"{counted(n, 'person was', 'people were')} tracked{scope}."
        return head, _groups_context(found), []
    if plan.subject is Subject.PEOPLE:
        who = "person" if n == 1 else "people"
        head = f"{n} {who} {people_phrase(f, site)}{_by_person(f)}{scope}."
    else:
        head = f"{events_phrase(f, n, site)}{scope}."
        head = head[0].upper() + head[1:] if not head[0].isdigit() else head
    context = _groups_context(found) or total_context(found, plan)
    if plan.group_by is None and n > len(found.events[:MAX_CITED]) and found.events:
        context.append(f"The first {min(len(found.events), MAX_CITED)} are cited.")
    return head, context[:2], found.events if n else []


def _by_person(f: Filters) -> str:
    return f" (person {f.track_id})" if f.track_id is not None else ""


def _groups_context(found: Findings) -> list[str]:
    if not found.groups:
        return []
    parts = ", ".join(f"{label_} {int(n)}" for label_, n in found.groups[:6])
    return [f"By group: {parts}."]


def _exists(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f, n = plan.filters, found.total or 0
    scope = scope_words(f, plan)
    if plan.subject is Subject.TRACKS:
        if n:
            return f"Yes: {counted(n, 'person was', 'people were')} in view{scope}.", [], []
        return f"No: nobody was in view{scope}.", [], []
    if n:
        if plan.subject is Subject.PEOPLE:
            people = counted(n, "person", "people")
            head = f"Yes: {people} {people_phrase(f, site)}{_by_person(f)}{scope}."
        else:
            head = f"Yes: {events_phrase(f, n, site)}{scope}."
        return head, [], found.events
    what = events_phrase(f, 2, site)
    return f"No: no {what.split(' ', 1)[1]} were recorded{scope}.", [], []


def _ordered(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f, op = plan.filters, plan.operation
    which = {Operation.FIRST: "first", Operation.LAST: "last", Operation.WHEN: "first"}.get(
        op, _ordinal(plan.nth or 1)
    )
    scope = scope_words(f, plan)
    if plan.subject is Subject.TRACKS:
        if not found.tracks:
            return f"Nobody was tracked{scope}.", [], []
        t = found.tracks[0]
        seen = "last seen" if op is Operation.LAST else "first seen"
        at = t.last_s if op is Operation.LAST else t.first_s
        head = (
            f"The {which} person {seen} was person {t.track_id} in {t.video_id}, at "
            f"{format_timestamp(at)} (in view {format_timestamp(t.first_s)}–"
            f"{format_timestamp(t.last_s)})."
        )
        return head, [], found.events[:1]
    if not found.events:
        if op is Operation.NTH and (found.total or 0) > 0:
            return (
                f"There were only {events_phrase(f, found.total or 0, site)}{scope}, "
                f"so there is no {which}.",
                [],
                [],
            )
        return f"No {events_phrase(f, 2, site).split(' ', 1)[1]} were recorded{scope}.", [], []
    row = found.events[0]
    what = event_noun(f.event_types, 1).split(" ", 1)[1] if f.event_types else "event"
    if plan.measured == "end":
        head = (
            f"The last {what}{scope} ended at {format_timestamp(row.end_s)} in {row.video_id} "
            f"(it began at {start_time(row)})."
        )
        return head, [], [row]
    who = f"person {row.track_id}" if row.track_id is not None else "no tracked person"
    where = in_zone(row.zone)
    if op is Operation.WHEN and (found.total or 0) > 1:
        times = ", ".join(format_timestamp(r.start_s) for r in found.events[:MAX_CITED])
        head = (
            f"{events_phrase(f, found.total or 0, site)}{scope} happened, the first at "
            f"{start_time(row)} ({who}{where}, {row.video_id})."
        )
        head = head[0].upper() + head[1:] if not head[0].isdigit() else head
        return head, [f"Times: {times}."], found.events
    verb = "was" if op is not Operation.WHEN else "was"
    head = (
        f"The {which} {what}{' ' + where_words(f, site) if f.lines else ''}{scope} {verb} at "
        f"{start_time(row)}, by {who}{where} in {row.video_id}."
    )
    if op is Operation.WHEN and (found.total or 0) == 1:
        head = f"It happened once{scope}: at {start_time(row)}, {who}{where} in {row.video_id}."
    context = [f"{events_phrase(f, found.total, site)} matched in all."] if found.total else []
    context[0:1] = [context[0][0].upper() + context[0][1:]] if context else []
    return head, context, [row]


def _ordinal(n: int) -> str:
    words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
    return words.get(n, f"{n}th")


def _extreme(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f, longest = plan.filters, plan.operation is Operation.LONGEST
    word = "longest" if longest else "shortest"
    scope = scope_words(f, plan)
    if plan.subject is Subject.TRACKS:
        if not found.tracks:
            return f"Nobody was tracked{scope}.", [], []
        t = found.tracks[0]
        head = (
            f"Person {t.track_id} in {t.video_id} was in view the {word}: "
            f"{duration_words(t.duration_s)}, from {format_timestamp(t.first_s)} to "
            f"{format_timestamp(t.last_s)}."
        )
        return head, [], []
    if not found.events:
        return f"No {events_phrase(f, 2, site).split(' ', 1)[1]} were recorded{scope}.", [], []
    row = found.events[0]
    what = event_noun(f.event_types, 1).split(" ", 1)[1] if f.event_types else "event"
    where = in_zone(row.zone)
    who = f"person {row.track_id}'s" if row.track_id is not None else "one"
    head = (
        f"The {word} {what}{where}{scope} was {who}: {duration_words(row.duration_s)}, from "
        f"{start_time(row)} to {format_timestamp(row.end_s)} in {row.video_id}."
    )
    context = []
    if found.total and found.total > 1:
        context.append(f"It is one of {events_phrase(f, found.total, site)}{scope}.")
    return head, context, [row]


def _largest(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f = plan.filters
    scope = scope_words(f, plan)
    if plan.group_by == "track":
        if not found.groups:
            return f"No {events_phrase(f, 2, site).split(' ', 1)[1]} were recorded{scope}.", [], []
        top, n = found.groups[0]
        video, _, track = top.rpartition(" #")
        cited = [r for r in found.events if str(r.track_id) == track and r.video_id == video]
        head = (
            f"Person {track} in {video} had the most: "
            f"{events_phrase(f.but(track_id=None), n, site)}"
            f"{scope}."
        )
        return head, _groups_context(found)[:1], cited
    if not found.events:
        return f"No crowds were recorded{scope}.", [], []
    row = found.events[0]
    size = int(row.value) if row.value is not None else None
    where = in_zone(row.zone)
    people = f"{size} people" if size is not None else "an unrecorded number of people"
    head = f"The largest crowd had {people}, at {start_time(row)}{where} in {row.video_id}."
    context = []
    if found.total and found.total > 1:
        context.append(f"There were {counted(found.total, 'crowd')}{scope}.")
    return head, context, [row]


def _how_long(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f = plan.filters
    scope = scope_words(f, plan)
    if plan.subject is Subject.TRACKS:
        if not found.tracks:
            who = f"Person {f.track_id}" if f.track_id is not None else "Nobody"
            return f"{who} was not tracked{scope}.", [], []
        if len(found.tracks) == 1 or f.track_id is not None:
            t = found.tracks[0]
            head = (
                f"Person {t.track_id} was in view for {duration_words(t.duration_s)}, from "
                f"{format_timestamp(t.first_s)} to {format_timestamp(t.last_s)} in {t.video_id}."
            )
            context = []
            if len(found.tracks) > 1:
                others = ", ".join(
                    f"{t.video_id} {duration_words(t.duration_s)}" for t in found.tracks[1:3]
                )
                context.append(f"Track numbers restart in every video; also: {others}.")
            return head, context, found.events[:MAX_CITED]
        mean = sum(t.duration_s for t in found.tracks) / len(found.tracks)
        return f"People were in view for {duration_words(mean)} on average{scope}.", [], []
    if not found.events:
        return f"No {events_phrase(f, 2, site).split(' ', 1)[1]} were recorded{scope}.", [], []
    if "average" in " ".join(plan.readings):
        mean = found.extra.get("mean", 0.0)
        what = event_noun(f.event_types, 2).split(" ", 1)[1]
        head = f"The {what}{scope} lasted {duration_words(mean)} on average."
        return head, [f"{events_phrase(f, found.total or 0, site)}."], found.events
    if (found.total or 0) == 1:
        row = found.events[0]
        what = event_noun(f.event_types, 1).split(" ", 1)[1] if f.event_types else "event"
        head = (
            f"The {what} lasted {duration_words(row.duration_s)}, from {start_time(row)} "
            f"to {format_timestamp(row.end_s)} in {row.video_id}."
        )
        return head, [], [row]
    longest = max(found.events, key=lambda r: (r.duration_s, -r.start_s))
    total = found.extra.get("total", sum(r.duration_s for r in found.events))
    head = (
        f"{events_phrase(f, found.total or 0, site)}{scope} lasted {duration_words(total)} in all; "
        f"the longest {duration_words(longest.duration_s)} "
        f"(from {format_timestamp(longest.start_s)})."
    )
    return head[0].upper() + head[1:], [], [longest, *[r for r in found.events if r is not longest]]


def _compare(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f = plan.filters
    what = _compared(plan, site)
    if plan.group_by is not None:
        if not found.groups:
            return f"No {what} were recorded{scope_words(f, plan)}.", [], []
        top, n = found.groups[0]
        tie = len(found.groups) > 1 and found.groups[1][1] == n
        parts = ", ".join(f"{g} {int(v)}" for g, v in found.groups[:6])
        if tie:
            return f"No {plan.group_by} had more {what}: {parts}.", [], []
        return f"{top} had the most {what}: {int(n)} ({parts}).", [], []
    (a, av), (b, bv) = [(_side_label(name, plan, site), n) for name, n in found.groups[:2]]
    if av == bv:
        yes = "No: " if plan.yes_no else ""
        head = f"{yes}{a} and {b} had the same number of {what} ({int(av)} each)."
    else:
        more, less = ((a, av), (b, bv)) if av > bv else ((b, bv), (a, av))
        yes = ("Yes: " if more[0] == a else "No: ") if plan.yes_no else ""
        head = (
            f"{yes}{more[0]} had more {what}: {int(more[1])} against {int(less[1])} for {less[0]}."
        )
    return head[0].upper() + head[1:], [], []


def _side_label(name: str, plan: QueryPlan, site: Site) -> str:
    """A compared side in words: a direction by its names ("towards the side road (in)")."""
    if name not in ("in", "out"):
        return name
    line = site.line(plan.filters.lines[0]) if plan.filters.lines else None
    if line is None and len(site.lines) == 1:
        line = site.lines[0]
    return f"{line.direction_words(name)} ({name})" if line else f"going {name}"


def _compared(plan: QueryPlan, site: Site) -> str:
    f = plan.filters
    if plan.subject is Subject.TRACKS:
        return "people"
    types = {t for _, side in plan.versus for t in side.event_types} or set(f.event_types)
    if plan.versus and len(types) > 1:
        return "events (" + " vs ".join(label(t) for t in sorted(types)) + ")"
    noun = event_noun(tuple(types), 2).split(" ", 1)[1] if types else "events"
    if plan.subject is Subject.PEOPLE:
        return f"people ({noun})"
    return noun


def _person(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f = plan.filters
    scope = scope_words(f, plan)
    if not found.events and not found.tracks:
        return f"Person {f.track_id} was not tracked{scope}.", [], []
    context = []
    if found.tracks:
        t = found.tracks[0]
        head = (
            f"Person {f.track_id} (track {f.track_id}) was in view from "
            f"{format_timestamp(t.first_s)} to "
            f"{format_timestamp(t.last_s)} in {t.video_id}"
        )
    else:
        head = f"Person {f.track_id}"
    if found.events:
        kinds = ", ".join(dict.fromkeys(label(r.event_type) for r in found.events))
        head += f"; {counted(found.total or len(found.events), 'event')}: {kinds}."
    else:
        head += "; no events."
    videos = {t.video_id for t in found.tracks}
    if len(videos) > 1:
        context.append("Track numbers restart in every video, so these may be different people.")
    notable = [
        r for r in found.events if r.event_type not in ("walking", "standing", "orientation")
    ]
    return head, context, (notable or found.events)[:MAX_CITED]


def _summary(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    rows = found.summaries
    if not rows:
        return f"No analysed video was found{scope_words(plan.filters, plan)}.", [], []
    done = [
        summary if summary.startswith(video) else f"{video}: {summary}"
        for video, summary in rows
        if summary
    ]
    missing = [video for video, summary in rows if not summary]
    text = " ".join(done) if done else ""
    if missing:
        text += f" Not summarised yet: {', '.join(missing)}."
    return text.strip(), [], []


def _busiest(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f = plan.filters
    where = f"in zone {f.zones[0]}" if f.zones else "in view"
    if found.occupancy:
        peak = [r for r in found.occupancy if r.people == found.occupancy[0].people]
        if peak[0].people <= 0:
            return f"Nobody was seen {where}{scope_words(f, plan)}.", [], []
        first = peak[0]
        head = (
            f"It was busiest at {occupancy_time(first)} in {first.video_id}, with "
            f"{counted(first.people, 'person', 'people')} {where} at once."
        )
        if plan.measured == "people":
            head = (
                f"At most {counted(first.people, 'person was', 'people were')} {where} at once, "
                f"at {occupancy_time(first)} in {first.video_id}."
            )
        context = []
        if len(peak) > 1:
            others = ", ".join(f"{occupancy_time(r)} in {r.video_id}" for r in peak[1:3])
            context.append(f"The same peak was also reached at {others}.")
        return head, context, found.events
    if found.value:
        head = f"At most {counted(found.value, 'person was', 'people were')} in view at once."
        return head, [], found.events
    return f"Nobody was seen {where}{scope_words(f, plan)}.", [], []


def _people_at(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f = plan.filters
    where = f"in zone {f.zones[0]}" if f.zones else "in view"
    second = int(((f.start_s or 0) + (f.end_s if f.end_s is not None else (f.start_s or 0))) / 2)
    when = format_timestamp(found.occupancy[0].second if found.occupancy else second)
    if not found.occupancy:
        return f"No occupancy was recorded at {when} (is the video that long?).", [], []
    if len(found.occupancy) == 1:
        r = found.occupancy[0]
        when = occupancy_time(r)
        return (
            f"{counted(r.people, 'person was', 'people were')} {where} at {when} in {r.video_id}.",
            [],
            [],
        )
    parts = "; ".join(
        f"{counted(r.people, 'person', 'people')} in {r.video_id}" for r in found.occupancy
    )
    return f"At {when}, {where}: {parts}.", [], []


def _directions(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    crossings = [
        (line, way, n) for kind, line, way, n in _direction_rows(found) if kind == "line_crossing"
    ]
    facings = [(way, n) for kind, _, way, n in _direction_rows(found) if kind == "orientation"]
    scope = scope_words(plan.filters, plan)
    if not crossings and not facings:
        return (
            f"No line crossings or orientation events were recorded{scope}, so no direction "
            "can be told.",
            [],
            [],
        )
    if crossings:
        total: dict[tuple[str, str], float] = {}
        for line, way, n in crossings:
            total[(line, way)] = total.get((line, way), 0) + n
        ranked = sorted(total.items(), key=lambda kv: -kv[1])
        (line, way), n = ranked[0]

        def named(ln: str, w: str) -> str:
            names = site.line(ln)
            words = names.direction_words(w) if names else w
            return w if words == w else f"{words} (direction {w})"

        parts = ", ".join(f"{int(v)} {named(ln, w)}" for (ln, w), v in ranked)
        tie = len(ranked) > 1 and ranked[1][1] == n
        head = (
            f"Most crossings of line {line}{scope} went {named(line, way)}: {parts}."
            if not tie
            else f"Crossings of line {line}{scope} were even: {parts}."
        )
        context = []
        if facings:
            top, m = max(facings, key=lambda x: x[1])
            context.append(f"Most orientation events faced {_facing(top)} ({int(m)}).")
        return head, context, [e for e in found.events if e.event_type == "line_crossing"]
    top, m = max(facings, key=lambda x: x[1])
    parts = ", ".join(f"{int(v)} {w.replace('_', ' ')}" for w, v in facings)
    cited = [e for e in found.events if e.event_type == "orientation"]
    if [v for _, v in facings].count(m) > 1:
        return f"No way of facing led{scope}: {parts}.", [], cited
    return f"Most people faced {_facing(top)}{scope}: {parts}.", [], cited


def _facing(orientation: str) -> str:
    return orientation.replace("facing_", "").replace("_", " ")


def _direction_rows(found: Findings) -> list[tuple[str, str, str, float]]:
    rows = []
    for label_, n in found.groups:
        kind, line, way = label_.split("|", 2)
        rows.append((kind, line, way, n))
    return rows


def _search(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    if not found.events:
        return (
            "Nothing in the recorded events matches this question: no event type, zone, line, "
            "person, video or time in it was recognised, and no event description is close to it.",
            [],
            [],
        )
    return (
        "No event type, zone, line, person, video or time was recognised in the question; "
        "these are the events whose descriptions are closest to it.",
        [],
        found.events,
    )


def _list(plan: QueryPlan, found: Findings, site: Site) -> _Handled:
    f, n = plan.filters, found.total or 0
    scope = scope_words(f, plan)
    if not n:
        return f"No {events_phrase(f, 2, site).split(' ', 1)[1]} were recorded{scope}.", [], []
    head = f"{events_phrase(f, n, site)}{scope}."
    head = head[0].upper() + head[1:] if not head[0].isdigit() else head
    context = [f"The first {MAX_CITED} are cited."] if n > MAX_CITED else []
    if found.groups:
        per_video = ", ".join(f"{name} ({int(count)})" for name, count in found.groups)
        context.insert(0, f"Videos: {per_video}.")
    return head, context, found.events


#: Operations whose answer to a yes-or-no question starts with yes or no (by its number).
_YES_NO_PREFIXED = (Operation.PEOPLE_AT, Operation.COUNT_PEOPLE, Operation.COUNT_EVENTS)

_HANDLERS = {
    Operation.COUNT_PEOPLE: _count,
    Operation.COUNT_EVENTS: _count,
    Operation.EXISTS: _exists,
    Operation.LIST: _list,
    Operation.FIRST: _ordered,
    Operation.LAST: _ordered,
    Operation.NTH: _ordered,
    Operation.WHEN: _ordered,
    Operation.LONGEST: _extreme,
    Operation.SHORTEST: _extreme,
    Operation.LARGEST: _largest,
    Operation.HOW_LONG: _how_long,
    Operation.COMPARE: _compare,
    Operation.DESCRIBE_PERSON: _person,
    Operation.SUMMARY: _summary,
    Operation.BUSIEST: _busiest,
    Operation.PEOPLE_AT: _people_at,
    Operation.DIRECTIONS: _directions,
    Operation.SEARCH: _search,
}

"""The brief's page as the HTML subset QTextDocument renders: a header with
the name and the grade badge, the contact line, then two columns (what to
know on the left, what happened on the right) and the profile answers in
two columns below. Every text is escaped; the lists arrive capped
(domain.brief) and each says how many it left out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from html import escape

from desktop_crm.domain.brief import Brief, SalesFigures
from desktop_crm.i18n import _, language, ngettext

ACCENT = "#1f4e79"
MUTED = "#666666"
WARN = "#b03a2e"
GRADE_COLOURS = {"A": "#1e7b34", "B": "#1f5fa8", "C": "#7a7a7a"}
# Sizes in points: small enough for one page, large enough to read on paper.
BODY_PT = 8.5
SMALL_PT = 7.5
HEAD_PT = 10
NAME_PT = 17


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _colon() -> str:
    """A label's colon: full width in Chinese."""
    return "：" if language() == "zh" else ": "


def _section(title: str, body: str) -> str:
    return (f'<p style="font-size:{HEAD_PT}pt; font-weight:600; color:{ACCENT}; '
            f'margin-top:7px; margin-bottom:2px;">{_e(title)}</p>{body}')


def _para(html: str, *, muted: bool = False, small: bool = False, indent: bool = False) -> str:
    style = [f"font-size:{SMALL_PT if small else BODY_PT}pt", "margin-top:0px",
             "margin-bottom:1px"]
    if muted:
        style.append(f"color:{MUTED}")
    if indent:
        style.append("margin-left:9px")
    return f'<p style="{"; ".join(style)};">{html}</p>'


def _bullets(items: Iterable[str]) -> str:
    return "".join(_para("• " + _e(item), indent=True) for item in items)


def _more(n: int) -> str:
    if not n:
        return ""
    return _para(_e(ngettext("… and {n} more not shown", "… and {n} more not shown", n)),
                 muted=True, small=True)


def _none(text: str) -> str:
    return _para(_e(text), muted=True)


def _when(day: date, today: date) -> str:
    days = (day - today).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    return _("in {n} days", n=days)


def _money(totals: dict[str, Decimal]) -> str:
    if not totals:
        return "0"
    return "; ".join(f"{currency} {amount:,.2f}" for currency, amount in sorted(totals.items()))


def _header(b: Brief) -> str:
    who = " · ".join(_e(t) for t in (b.title, b.company) if t)
    colour = GRADE_COLOURS.get(b.grade or "", "#999999")
    badge_text = _e(b.grade) if b.grade else "–"
    badge_label = _e(b.grade_title) if b.grade else _e(_("Not evaluated"))
    prepared = _("Prepared {date} by {user}", date=f"{b.prepared_at:%Y-%m-%d %H:%M}",
                 user=b.prepared_by or "–")
    left = (f'<p style="font-size:{SMALL_PT}pt; color:{MUTED}; margin:0px;">'
            f'{_e(_("Pre-visit brief"))} · {_e(prepared)}</p>'
            f'<p style="font-size:{NAME_PT}pt; font-weight:700; margin:0px;">{_e(b.name)}</p>')
    if who:
        left += f'<p style="font-size:{HEAD_PT}pt; margin:0px;">{who}</p>'
    if b.include_confidential:
        warning = _e(_("Includes confidential answers: do not leave this brief with anyone"))
        left += (f'<p style="font-size:{SMALL_PT}pt; color:{WARN}; font-weight:600; '
                 f'margin:0px;">{warning}</p>')
    badge = (f'<table cellspacing="0" cellpadding="5" align="right" '
             f'style="background-color:{colour};"><tr><td align="center">'
             f'<span style="font-size:20pt; font-weight:700; color:white;">{badge_text}</span>'
             f'<br/><span style="font-size:{SMALL_PT}pt; color:white;">{badge_label}</span>'
             f'</td></tr></table>')
    return (f'<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td width="80%" valign="top">{left}</td>'
            f'<td width="20%" valign="top" align="right">{badge}</td></tr></table>')


def _contact_line(b: Brief) -> str:
    parts = []
    if b.phones:
        phones = "; ".join(b.phones)
        if b.more_phones:
            phones += " " + ngettext("(+{n} more)", "(+{n} more)", b.more_phones)
        parts.append(f"<b>{_e(_('Phones'))}{_colon()}</b>{_e(phones)}")
    for label, value in ((_("E-mail"), b.email), (_("WeChat"), b.wechat),
                         (_("Website"), b.website), (_("Address"), b.address),
                         (_("Owner"), b.owner)):
        if value:
            parts.append(f"<b>{_e(label)}{_colon()}</b>{_e(value)}")
    if b.tags:
        parts.append(f"<b>{_e(_('Tags'))}{_colon()}</b>{_e(', '.join(b.tags))}")
    if not parts:
        return ""
    return (f'<p style="font-size:{BODY_PT}pt; margin-top:4px; margin-bottom:2px;">'
            + " &nbsp;·&nbsp; ".join(parts) + "</p>")


def _grade(b: Brief) -> str:
    if not b.grade:
        return _section(_("Grade and service strategy"),
                        _none(_("Not evaluated yet: evaluate the client to know how much "
                                "time to give them")))
    head = f"<b>{_e(b.grade_title)}</b>"
    if b.score is not None and b.evaluated_on is not None:
        gap = "" if language() == "zh" else " "  # Chinese brackets carry their own space
        head += gap + _e(_("({points} points, evaluated {date})", points=f"{b.score:g}",
                           date=b.evaluated_on.isoformat()))
    return _section(_("Grade and service strategy"), _para(head) + _para(_e(b.grade_strategy)))


def _loyalty(b: Brief) -> str:
    if not b.loyalty:
        return _section(_("Loyalty"), _none(_("No loyalty state on the card")))
    body = _para(f"<b>{_e(b.loyalty)}</b>") + _bullets(b.loyalty_advice)
    if b.plan_actions and b.grade:
        body += _para(_e(_("Loyalty plan, {cls}-class service:", cls=b.grade)), muted=True)
        body += _bullets(b.plan_actions)
    return _section(_("Loyalty"), body)


def _sales(sales: SalesFigures | None) -> str:
    if sales is None:
        return _section(_("Sales"), _none(_("No orders yet")))
    rows = [(_("Won this year"), _money(sales.won_this_year)),
            (ngettext("Won in the last 12 months ({n} order)",
                      "Won in the last 12 months ({n} orders)", sales.orders_last_12_months),
             _money(sales.won_last_12_months))]
    if sales.last_order is not None:
        o = sales.last_order
        rows.append((_("Last order"), f"{o.ordered_on.isoformat()} · {o.product} · "
                                      f"{o.currency} {o.amount:,.2f} · {o.status.label}"))
    rows.append((_("Late payments (12 months)"), str(sales.late_payments)))
    body = "".join(_para(f"<b>{_e(label)}{_colon()}</b>{_e(value)}") for label, value in rows)
    if sales.open_orders:
        body += _para(f"<b>{_e(_('Open orders'))}{_colon()}</b>")
        body += _bullets(f"{o.ordered_on.isoformat()} · {o.product} · {o.currency} "
                         f"{o.amount:,.2f} · {o.status.label}" for o in sales.open_orders)
        body += _more(sales.more_open_orders)
    return _section(_("Sales"), body)


def _dates(b: Brief) -> str:
    if not b.dates:
        return _section(_("Dates in the next 30 days"), _none(_("None")))
    today = b.prepared_at.date()
    lines = []
    for d in b.dates:
        lunar = f" · {_e(d.spec_text)}" if d.spec_text else ""
        lines.append(_para(f"<b>{d.day:%m-%d}</b> {_e(_when(d.day, today))}{lunar}{_colon()}"
                           f"{_e(d.text)}"))
    return _section(_("Dates in the next 30 days"), "".join(lines) + _more(b.more_dates))


def _contacts(b: Brief) -> str:
    if not b.contacts:
        return ""
    lines = []
    for c in b.contacts:
        bits = [f"<b>{_e(c.name)}</b>"] + [_e(t) for t in (c.title, c.role, c.phone) if t]
        lines.append(_para(" · ".join(bits)))
    return _section(_("Contact people"), "".join(lines) + _more(b.more_contacts))


def _timeline(b: Brief) -> str:
    if not b.interactions:
        return _section(_("Last interactions"), _none(_("No interactions yet")))
    lines = []
    for i in b.interactions:
        lines.append(_para(f"<b>{i.occurred_at:%Y-%m-%d}</b> {_e(i.channel)}{_colon()}"
                           f"{_e(i.summary)}"))
        step = i.next_step
        if i.follow_up_on is not None and not i.follow_up_done:
            day = i.follow_up_on.isoformat()
            step = (_("{step} (by {date})", step=step, date=day) if step
                    else _("Follow up by {date}", date=day))
        if step:
            lines.append(_para("→ " + _e(_("Next step: {step}", step=step)), indent=True,
                               muted=True))
    return _section(_("Last interactions"), "".join(lines))


def _complaints(b: Brief) -> str:
    if not b.complaints:
        return _section(_("Open complaints"), _none(_("None")))
    lines = []
    for c in b.complaints:
        if c.deadline is None:
            due = ""
        elif c.overdue:
            late = _("Follow-up overdue") if c.follow_up else _("Reply overdue")
            due = f' <span style="color:{WARN};">⚠ {_e(late)}</span>'
        elif c.follow_up:
            due = " · " + _e(_("Follow up by {date}", date=c.deadline.date().isoformat()))
        else:
            due = " · " + _e(_("Reply by {when}", when=f"{c.deadline:%Y-%m-%d %H:%M}"))
        lines.append(_para(f"<b>{_e(c.number)}</b> {c.received_at:%Y-%m-%d} · "
                           f"{_e(c.category)} · {_e(c.status)} · {_e(c.priority)}{due}"))
        lines.append(_para(_e(c.words), indent=True, muted=True))
    return _section(_("Open complaints"), "".join(lines) + _more(b.more_complaints))


def _profile(b: Brief) -> str:
    title = _("Profile (Mackay 66)")
    note = ""
    if b.confidential_left_out:
        note = _para(_e(ngettext("{n} confidential answer not shown",
                                 "{n} confidential answers not shown",
                                 b.confidential_left_out)), muted=True, small=True)
    if not b.answers:
        return _section(title, _none(_("No answers yet")) + note)
    cells = []
    for a in b.answers:
        mark = f' <span style="color:{WARN};">[{_e(_("Confidential"))}]</span>' \
            if a.confidential else ""
        cells.append(_para(f'<span style="color:{MUTED};">{a.number}. {_e(a.question)}</span>'
                           f"{mark}<br/>{_e(a.text)}"))
    half = (len(cells) + 1) // 2
    table = (f'<table width="100%" cellspacing="0" cellpadding="1"><tr>'
             f'<td width="50%" valign="top">{"".join(cells[:half])}</td>'
             f'<td width="50%" valign="top">{"".join(cells[half:])}</td></tr></table>')
    return _section(title, table + _more(b.more_answers) + note)


def brief_html(b: Brief) -> str:
    """The whole page, in the current language."""
    left = _grade(b) + _loyalty(b) + _sales(b.sales) + _dates(b) + _contacts(b)
    right = _timeline(b) + _complaints(b)
    columns = (f'<table width="100%" cellspacing="0" cellpadding="0"><tr>'
               f'<td width="49%" valign="top">{left}</td><td width="2%"></td>'
               f'<td width="49%" valign="top">{right}</td></tr></table>')
    rule = f'<hr style="background-color:{ACCENT}; height:1px;"/>'
    return (f'<html><body style="font-size:{BODY_PT}pt;">{_header(b)}{_contact_line(b)}'
            f"{rule}{columns}{_profile(b)}</body></html>")

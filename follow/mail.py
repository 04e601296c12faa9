"""A follower's message: what of an announcement concerns them, in French, as plain text and
HTML, with a one-click unsubscribe link and the List-Unsubscribe headers (RFC 8058); or the
confirmation message a request to follow asked for (follow/confirmation.py)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from proposals.models import Convention

from .confirmation import confirmation_email
from .links import list_unsubscribe_headers, manage_url, unsubscribe_url
from .models import Announcement, Message


def message_id(message: Message) -> str:
    """The same Message-ID for every attempt at one message: a copy sent twice (a worker stopped
    between sending and recording it) is one message to the reader's mail client."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    if message.kind == Message.Kind.CONFIRMATION:
        return f"<follow.confirmation.{message.pk}@{domain}>"
    return f"<follow.{message.announcement_id}.{message.follower_id}@{domain}>"


def message_context(message: Message, convention: Convention) -> dict:
    """The parts of the announcement that concern the follower: the proposals they follow, the
    axes they follow (with the changes in each), the summary when they follow every review."""
    news = message.announcement.news
    concerns = message.concerns
    keys = set(concerns.get("proposals", []))
    changes = news.get("changes", [])
    names = news.get("axis_names", {})
    rates = {item["slug"]: item["rate"] for item in news.get("rates", [])}
    statements = {item["slug"]: item["text"] for item in news.get("statements", [])}
    axes = [
        {
            "name": names.get(slug, slug),
            "rate": rates.get(slug, ""),
            "statement": statements.get(slug, ""),
            "changes": [change for change in changes if change["axis"] == slug],
        }
        for slug in concerns.get("axes", [])
    ]
    return {
        "kind": message.announcement.kind,
        "is_review": message.announcement.kind == Announcement.Kind.REVIEW,
        "is_committee": message.announcement.kind == Announcement.Kind.COMMITTEE,
        "is_project": message.announcement.kind == Announcement.Kind.PROJECT,
        "subject": message.announcement.subject,
        "news": news,
        "convention": convention,
        "followed": [change for change in changes if change["key"] in keys],
        "axes": axes,
        "everything": concerns.get("everything", False),
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(message.follower),
        "manage_url": manage_url(message.follower),
    }


def _proposal_line(change: dict) -> str:
    if change.get("number"):
        return _("Proposition n° %(number)s : %(title)s") % change
    return change["title"]


def _header(context: dict) -> list[str]:
    news, kind = context["news"], context["kind"]
    if kind == Announcement.Kind.PROJECT:
        return [_("Le projet « %(title)s » est réalisé.") % news, news["summary"], news["url"]]
    if kind == Announcement.Kind.REVIEW:
        lines = [_("Le bilan %(year)s est publié.") % news]
    else:
        lines = [_("Le comité de suivi a publié son avis sur l'année %(year)s.") % news]
    if news["correction"]:
        lines.append(_("Rectificatif (version %(version)s) : %(reason)s") % news)
    return lines


def _change_lines(kind: str, change: dict, *, detailed: bool) -> list[str]:
    """A proposal in the message: its status change (a review) or the committee's grade."""
    if kind == Announcement.Kind.REVIEW:
        lines = [f"- {_proposal_line(change)}", "  " + _("Statut : %(old)s → %(new)s") % change]
        if detailed and change["explanation"]:
            lines.append("  " + change["explanation"])
        if detailed:
            for source in change["sources"]:
                cited = ", ".join(part for part in (source["label"], source["details"], source["url"]) if part)
                lines.append("  " + _("Source : %(source)s") % {"source": cited})
    elif kind == Announcement.Kind.COMMITTEE:
        grade = change["grade"] + (f" ({change['fidelity']})" if change["fidelity"] else "")
        lines = [f"- {_proposal_line(change)}", "  " + _("Avis du comité : %(grade)s") % {"grade": grade}]
        if detailed and change["comment"]:
            lines.append("  " + change["comment"])
    else:
        lines = [f"- {_proposal_line(change)}"]
    lines.append("  " + change["url"])
    return lines


def plain_text(context: dict) -> str:
    """The plain-text part: the same sections as the HTML one, in the same order."""
    news, kind = context["news"], context["kind"]
    lines = [*_header(context), ""]
    if context["followed"]:
        if kind == Announcement.Kind.PROJECT:
            lines.append(_("Il met en œuvre les propositions que vous suivez :"))
        else:
            lines.append(_("Les propositions que vous suivez"))
        for change in context["followed"]:
            lines += _change_lines(kind, change, detailed=True)
        lines.append("")
    for axis in context["axes"]:
        lines.append(_("Axe que vous suivez : %(name)s") % axis)
        if axis["rate"]:
            lines.append(_("Propositions mises en œuvre : %(rate)s") % axis)
        if axis["statement"]:
            lines.append(_("Déclaration du comité : %(statement)s") % axis)
        for change in axis["changes"]:
            lines += _change_lines(kind, change, detailed=False)
        lines.append("")
    if context["everything"]:
        if kind == Announcement.Kind.REVIEW:
            lines.append(_("Le bilan en bref (propositions mises en œuvre)"))
            lines += [f"- {item['name']} : {item['rate']}" for item in news["rates"]]
            lines.append("- " + _("Ensemble : %(total)s") % news)
            lines.append(
                ngettext(
                    "%(count)s proposition a changé de statut.",
                    "%(count)s propositions ont changé de statut.",
                    len(news["changes"]),
                )
                % {"count": len(news["changes"])}
            )
            lines.append(_("Lire le bilan : %(url)s") % news)
        elif news["statement"]:
            lines.append(_("Déclaration du comité : %(statement)s") % news)
        lines.append("")
    lines += [
        "-- ",
        _("Vous recevez ce message parce que vous suivez ce dont il parle sur %(site)s.")
        % {"site": context["site_url"]},
        _("Gérer vos abonnements : %(url)s") % {"url": context["manage_url"]},
        _("Vous désabonner : %(url)s") % {"url": context["unsubscribe_url"]},
    ]
    return "\n".join(lines) + "\n"


def compose(message: Message, convention: Convention, connection=None) -> EmailMultiAlternatives:
    if message.kind == Message.Kind.CONFIRMATION:
        email = confirmation_email(message, convention)
        email.extra_headers["Message-ID"] = message_id(message)
        return email
    context = message_context(message, convention)
    email = EmailMultiAlternatives(
        subject=f"{convention.name} : {message.announcement.subject}",  # the full name: which convention
        body=plain_text(context),
        to=[message.follower.email],
        headers={**list_unsubscribe_headers(message.follower), "Message-ID": message_id(message)},
        connection=connection,
    )
    email.attach_alternative(render_to_string("follow/mail/announcement.html", context), "text/html")
    return email

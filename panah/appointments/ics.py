"""A user's appointments as an iCalendar feed (RFC 5545, built with the `icalendar` library).

A calendar feed leaves Panah for whatever calendar the officer uses, so an event names the kind of
appointment, the case number and the place, never a person's name, status or nationality."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar, Event

from panah.appointments.models import Appointment


def calendar(appointments: Iterable[Appointment], *, language: str = "ru") -> bytes:
    feed = Calendar()
    feed.add("prodid", "-//Panah//appointments//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", "Panah")
    base = getattr(settings, "PANAH_BASE_URL", "").rstrip("/")
    with translation.override(language):
        for appointment in appointments:
            event = Event()
            event.add("uid", f"appointment-{appointment.pk}@panah")
            event.add("dtstamp", appointment.created_at)
            event.add("dtstart", appointment.starts_at)
            event.add("dtend", appointment.ends_at)
            event.add("summary", f"{appointment.get_kind_display()} · #{appointment.case_id}")
            if appointment.place:
                event.add("location", appointment.place)
            event.add("url", f"{base}{reverse('cases:case', args=[appointment.case_id])}")
            feed.add_component(event)
    return bytes(feed.to_ical())

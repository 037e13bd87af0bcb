"""Every application Komek helps prepare, by URL slug (each is also the slug of its guide)."""

from journeys import id_card, kindergarten_queue, remove_registered_person

APPLICATIONS = {app.slug: app for app in (id_card.APPLICATION, remove_registered_person.APPLICATION,
                                          kindergarten_queue.APPLICATION)}

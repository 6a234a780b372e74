"""AV Rentals: the system an audiovisual / event-equipment rental house runs on."""

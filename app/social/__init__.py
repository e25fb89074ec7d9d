"""Social features: reputation, XP levels and the image cards that show them."""

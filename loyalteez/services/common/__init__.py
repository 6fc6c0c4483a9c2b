"""What the engagement features share: wording (texts.py) and option checks (input.py)."""

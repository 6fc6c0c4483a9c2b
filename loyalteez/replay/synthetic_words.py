"""What the synthetic community says and when: the vocabulary and daily rhythm of synthetic exports.

Kept apart from the export writer (synthetic.py) so the shapes of a history and the words in it change apart.
"""

from __future__ import annotations

# Relative activity per UTC hour: quiet nights, a morning bump (greetings), busy evenings.
HOURS = (
    1.0,
    0.6,
    0.4,
    0.3,
    0.3,
    0.4,
    0.8,
    1.5,
    2.2,
    2.4,
    2,
    1.8,
    1.8,
    1.7,
    1.6,
    1.6,
    1.8,
    2,
    2.4,
    2.6,
    2.6,
    2.3,
    1.8,
    1.3,
)
CHANNEL_NAMES = ("general", "gm", "off-topic", "feedback", "giveaways", "memes", "help", "showcase")
ROLES = (("Supporter", 2, "#F1C40F"), ("Moderator", 5, "#E74C3C"), ("Early Member", 1, "#3498DB"))
GREETINGS = ("gm", "gm fam", "good morning")
GOODNIGHTS = ("gn", "gn fam", "gn everyone")
CHATTER = ("lol", "nice", "same here", "true", "haha", "lfg", "this", "agreed", "so good", "fr", "wow", "ty!", "ok")
COMMANDS = ("!points", "!daily", "!rank", "!help", "/balance", "/leaderboard", "/streak")
KEYWORDS = (
    "is the giveaway still open?",
    "entered the giveaway, fingers crossed",
    "when does the next giveaway start?",
    "feedback on the new roles: love them",
    "some feedback: the daily quest resets too early for people in Europe",
)
# Each fragment has >= 6 words and >= 30 characters, so two of them make a "quality" message (>= 12 words, >= 60).
FRAGMENTS = (
    "I spent the weekend trying the new quest line",
    "the rewards feel fair compared to last season",
    "it would help if the leaderboard showed weekly points too",
    "our local meetup group would love a shared channel here",
    "the onboarding guide answered most of my early questions",
    "I wrote up a short summary of the community call notes",
    "maybe we could vote on the next merch design together",
    "the streak bonus kept me coming back every single morning",
    "newer members might not know where to ask for help",
    "thanks to everyone who helped test the beta last week",
)
BOT_LINES = (
    "Daily quests have reset, good luck everyone!",
    "Giveaway starts now! React with 🎉 to enter",
    "Leaderboard updated for this week",
    "Welcome to all our new members, say hi in #general",
)
UNICODE_EMOJI = (("👍", "thumbsup"), ("🔥", "fire"), ("❤️", "heart"), ("😂", "joy"), ("🎉", "tada"), ("👀", "eyes"))

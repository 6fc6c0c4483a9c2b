"""Page handlers, one module per audience: auth (sign-in), home (your servers), public, member, admin."""

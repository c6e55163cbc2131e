"""The identity provider: Clever's OAuth 2.0 authorization-code flow (sign-in page, code exchange, token
listing, tokeninfo), the id_token, and `/me` and `/userinfo`. It reads people through `Directory`, never
through the Data API's state."""

-- Sign-ups through the API: the reason a person gave when the server asks
-- the admins to approve new members (users.approved = 0 until then).
ALTER TABLE users ADD COLUMN signup_reason TEXT;

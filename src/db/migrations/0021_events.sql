-- Events: posts that happen at a time and a place (ActivityPub Event, from
-- Mobilizon, Gathio, Friendica, Gancio or made here), who answered them
-- (RSVP), and each member's private calendar feed address.

CREATE TABLE events (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, -- the organizer
    name TEXT NOT NULL,
    start_at BIGINT NOT NULL,             -- milliseconds, UTC
    end_at BIGINT,                        -- NULL: no end given
    timezone TEXT,                        -- IANA name ("Europe/London"), or NULL
    utc_offset INTEGER,                   -- minutes east of UTC the start was written in, or NULL
    location_name TEXT,
    street TEXT,
    locality TEXT,
    region TEXT,
    postal_code TEXT,
    country TEXT,
    latitude TEXT,                        -- decimal degrees as text (portable), or NULL
    longitude TEXT,
    url TEXT,                             -- the event's page
    join_mode TEXT,                       -- Mobilizon's joinMode ("free", "restricted", ...), or NULL
    anonymous_participation INTEGER,      -- NULL: not said
    participant_count BIGINT,             -- as the organizer's server counts, or NULL
    max_capacity BIGINT,                  -- NULL or 0: no limit given
    poll_status_id BIGINT,                -- the companion Question whose votes are the RSVP
    updated_at BIGINT NOT NULL
);
CREATE INDEX events_start ON events (start_at);
CREATE INDEX events_account ON events (account_id);
CREATE INDEX events_poll ON events (poll_status_id) WHERE poll_status_id IS NOT NULL;

CREATE TABLE event_rsvps (
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state INTEGER NOT NULL,               -- 1 going, 2 maybe, 3 not going
    activity_uri TEXT,                    -- the activity that said it (sent or received)
    activity_type TEXT,                   -- its type: Join, Accept, TentativeAccept, Reject, vote
    created_at BIGINT NOT NULL,
    PRIMARY KEY (status_id, account_id)
);
CREATE INDEX event_rsvps_account ON event_rsvps (account_id);
CREATE INDEX event_rsvps_activity ON event_rsvps (activity_uri) WHERE activity_uri IS NOT NULL;

CREATE TABLE calendar_tokens (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,           -- random, in the feed's address; a new one revokes the old
    created_at BIGINT NOT NULL
);

-- Центр поддержки: customers' requests, the conversation, and attachments kept on disk under
-- generated names (UPLOADS_PATH); the rows carry the sanitised original name for display only.

-- user_id is the customer who filed it; the request goes when the cabinet is closed.
CREATE TABLE support_requests (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  topic TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'answered', 'closed')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX support_requests_by_user ON support_requests(user_id, id);
CREATE INDEX support_requests_queue ON support_requests(status, updated_at);

CREATE TABLE support_messages (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES support_requests(id) ON DELETE CASCADE,
  author TEXT NOT NULL CHECK (author IN ('customer', 'operator')),
  operator_id INTEGER REFERENCES operators(id),
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX support_messages_by_request ON support_messages(request_id, id);

CREATE TABLE support_attachments (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES support_requests(id) ON DELETE CASCADE,
  message_id INTEGER NOT NULL REFERENCES support_messages(id) ON DELETE CASCADE,
  stored_name TEXT NOT NULL UNIQUE CHECK (stored_name NOT GLOB '*[^0-9a-f]*'),
  original_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes > 0),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX support_attachments_by_request ON support_attachments(request_id, message_id);

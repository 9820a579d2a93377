package io.keyspace.notifications.channel;

import java.util.Optional;

import io.keyspace.notifications.ChannelType;

/**
 * What the six channel records share: argument checks, the channel name layout and the exact
 * key rule, kept in one place so the records stay declarations.
 */
final class Channels {

	private Channels() {
	}

	static void requireText(String value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		if (value.isEmpty()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
	}

	static void requireDb(int db) {
		if (db < 0) {
			throw new IllegalArgumentException("db must be >= 0, was " + db);
		}
	}

	static String name(ChannelType type, int db, String variablePart) {
		return type.prefix() + db + "__:" + variablePart;
	}

	static Optional<String> exactKey(String keyOrPattern) {
		return RedisGlob.isPattern(keyOrPattern) ? Optional.empty() : Optional.of(keyOrPattern);
	}

}

package io.keyspace.notifications.channel;

/**
 * What the six channel records share: argument checks, the wire name and equality, kept in one
 * place so the records stay declarations.
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

	/** The name to send: unescaped for SUBSCRIBE, a glob (literal parts escaped) for PSUBSCRIBE. */
	static String wireName(NotificationChannel channel) {
		boolean pattern = channel.isPattern();
		String[] parts = channel.type().channelParts().stream().map(channel::part).toArray(String[]::new);
		for (int i = 0; i < parts.length; i++) {
			if (!pattern) {
				parts[i] = RedisGlob.unescape(parts[i]);
			}
			else if (!RedisGlob.isPattern(parts[i])) {
				// e.g. "my[key" next to a subkey glob: literal, but Redis would read '[' as a set
				parts[i] = RedisGlob.escape(RedisGlob.unescape(parts[i]));
			}
		}
		return channel.type().channelName(channel.db(), parts);
	}

	static boolean equal(NotificationChannel channel, Object other) {
		return other instanceof NotificationChannel that && channel.getClass() == that.getClass()
				&& channel.isPattern() == that.isPattern() && channel.toString().equals(that.toString());
	}

	// The name alone: a literal and a pattern with the same name are unequal but may share a hash.
	static int hash(NotificationChannel channel) {
		return channel.toString().hashCode();
	}

}

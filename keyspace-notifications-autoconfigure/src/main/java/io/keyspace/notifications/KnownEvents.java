package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Maps the bytes of a well-known event name to its {@link EventType} constant, so the usual
 * events cost no String allocation on the reader thread. A small open-addressing table: no
 * boxing, no hashing of a temporary String.
 */
final class KnownEvents {

	// Power of two, about three times the number of names: probes stay short.
	private static final int MASK = 255;

	private static final byte[][] NAMES = new byte[MASK + 1][];

	private static final String[] CONSTANTS = new String[MASK + 1];

	private static final int LONGEST;

	static {
		int longest = 0;
		for (String name : EventType.all()) {
			byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
			int slot = slot(new ByteSlice(bytes, 0, bytes.length));
			while (NAMES[slot] != null) {
				slot = (slot + 1) & MASK;
			}
			NAMES[slot] = bytes;
			CONSTANTS[slot] = name;
			longest = Math.max(longest, bytes.length);
		}
		LONGEST = longest;
	}

	private KnownEvents() {
	}

	/**
	 * The constant for an event name.
	 * @param event the event bytes
	 * @return the shared constant, or null if the event is not one of {@link EventType}'s
	 */
	static String lookup(ByteSlice event) {
		if (event.length() > LONGEST) {
			return null;
		}
		for (int slot = slot(event); NAMES[slot] != null; slot = (slot + 1) & MASK) {
			byte[] name = NAMES[slot];
			if (Arrays.equals(name, 0, name.length, event.source(), event.offset(),
					event.offset() + event.length())) {
				return CONSTANTS[slot];
			}
		}
		return null;
	}

	private static int slot(ByteSlice bytes) {
		int hash = bytes.hashCode();
		return (hash ^ (hash >>> 16)) & MASK;
	}

}

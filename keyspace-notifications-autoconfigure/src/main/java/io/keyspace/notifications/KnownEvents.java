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

	// The same name as a slice, shared by every notification of that event.
	private static final ByteSlice[] SLICES = new ByteSlice[MASK + 1];

	private static final int LONGEST;

	static {
		int longest = 0;
		for (String name : EventType.all()) {
			byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
			int slot = slot(bytes, 0, bytes.length);
			while (NAMES[slot] != null) {
				slot = (slot + 1) & MASK;
			}
			NAMES[slot] = bytes;
			CONSTANTS[slot] = name;
			SLICES[slot] = new ByteSlice(bytes, 0, bytes.length);
			longest = Math.max(longest, bytes.length);
		}
		LONGEST = longest;
	}

	private KnownEvents() {
	}

	/**
	 * The table slot of the event name in {@code source[offset, offset + length)}, or -1 if it
	 * is not well known; {@link #constant} and {@link #slice} give what is shared for it, so
	 * that the parser allocates nothing for the usual events.
	 */
	static int find(byte[] source, int offset, int length) {
		if (length > LONGEST) {
			return -1;
		}
		for (int slot = slot(source, offset, length); NAMES[slot] != null; slot = (slot + 1) & MASK) {
			byte[] name = NAMES[slot];
			if (Arrays.equals(name, 0, name.length, source, offset, offset + length)) {
				return slot;
			}
		}
		return -1;
	}

	/** The {@link EventType} constant of a slot {@link #find} returned. */
	static String constant(int slot) {
		return CONSTANTS[slot];
	}

	/** The name of a slot {@link #find} returned, as a slice shared by every notification. */
	static ByteSlice slice(int slot) {
		return SLICES[slot];
	}

	// The hash of ByteSlice, spread over the table.
	private static int slot(byte[] source, int offset, int length) {
		int hash = 1;
		for (int i = offset, end = offset + length; i < end; i++) {
			hash = 31 * hash + source[i];
		}
		return (hash ^ (hash >>> 16)) & MASK;
	}

}

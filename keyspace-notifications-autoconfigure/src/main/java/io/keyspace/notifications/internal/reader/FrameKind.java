package io.keyspace.notifications.internal.reader;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The first element of a RESP2 pub/sub frame: what the rest of the frame means. */
enum FrameKind {

	MESSAGE("message"), PMESSAGE("pmessage"), SUBSCRIBE("subscribe"), PSUBSCRIBE("psubscribe"),
	UNSUBSCRIBE("unsubscribe"), PUNSUBSCRIBE("punsubscribe"), PONG("pong");

	private static final FrameKind[] ALL = values();

	private final byte[] keyword;

	FrameKind(String keyword) {
		this.keyword = keyword.getBytes(StandardCharsets.US_ASCII);
	}

	/** The kind of a frame whose keyword is the first {@code length} bytes, or {@code null} for one this reader does not know. */
	static FrameKind of(byte[] keyword, int length) {
		// Messages come first: on a busy connection almost every frame is one.
		for (FrameKind kind : ALL) {
			if (kind.keyword.length == length && Arrays.equals(kind.keyword, 0, length, keyword, 0, length)) {
				return kind;
			}
		}
		return null;
	}

}

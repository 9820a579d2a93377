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

	/** The kind of a frame, or {@code null} for one this reader does not know. */
	static FrameKind of(byte[] keyword) {
		// Messages come first: on a busy connection almost every frame is one.
		for (FrameKind kind : ALL) {
			if (kind.keyword.length == keyword.length && Arrays.equals(kind.keyword, keyword)) {
				return kind;
			}
		}
		return null;
	}

}

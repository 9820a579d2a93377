package io.keyspace.sample.status;

import java.util.stream.Collectors;

/**
 * Which {@code notify-keyspace-events} flags the sample needs: {@code K} for the cache's
 * keyspace handlers, {@code E} for the feed's keyevent handler, and the event classes of
 * {@code set} ({@code $}), {@code del} ({@code g}) and {@code expired} ({@code x}).
 */
final class ServerFlags {

	static final String NEEDED = "KE$gx";

	/** What {@code A} stands for in {@code notify-keyspace-events}. */
	private static final String ALL_CLASSES = "g$lshzxetd";

	private ServerFlags() {
	}

	/** The needed flags that {@code flags} (the server's setting) lacks, in {@link #NEEDED} order; empty if none. */
	static String missing(String flags) {
		String expanded = flags.replace("A", ALL_CLASSES);
		return NEEDED.chars()
			.filter((flag) -> expanded.indexOf(flag) < 0)
			.mapToObj((flag) -> String.valueOf((char) flag))
			.collect(Collectors.joining());
	}

}

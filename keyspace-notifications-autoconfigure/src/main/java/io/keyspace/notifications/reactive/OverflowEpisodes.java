package io.keyspace.notifications.reactive;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.NotificationGap;

/**
 * The overflow episodes of one subscriber's buffer, per node: from the first notification of
 * the node it refused until the buffer takes one again with room to spare (see
 * {@link SubscriberBuffer}), reported then as one {@link GapCause#OVERFLOW} gap with the count
 * and the subscriber's channels.
 * <p>
 * Threading: called by the reader threads of the nodes (one per node, so a node's episode is
 * only touched by its reader); the map is concurrent for a cluster's several readers. The
 * common case, no episode open, costs an empty map's size check per notification taken
 * ({@link #anyOpen}): no lock.
 */
final class OverflowEpisodes {

	private final Set<String> channels;

	private final Consumer<NotificationGap> report;

	private final Clock clock;

	private final Map<String, Episode> open = new ConcurrentHashMap<>();

	OverflowEpisodes(Set<String> channels, Consumer<NotificationGap> report, Clock clock) {
		this.channels = Set.copyOf(channels);
		this.report = report;
		this.clock = clock;
	}

	/** A notification of {@code node} did not fit. */
	void refused(String node) {
		this.open.computeIfAbsent(node, (n) -> new Episode(this.clock.instant())).dropped++;
	}

	/** Whether any node's episode is open. */
	boolean anyOpen() {
		return !this.open.isEmpty();
	}

	/** The buffer took a notification of {@code node} with room to spare: its episode, if any, is over. */
	void taken(String node) {
		Episode episode = this.open.remove(node);
		if (episode != null) {
			this.report.accept(new NotificationGap(node, GapCause.OVERFLOW, episode.start, this.clock.instant(),
					this.channels, episode.dropped));
		}
	}

	private static final class Episode {

		private final Instant start;

		private long dropped; // written by the node's reader thread only

		Episode(Instant start) {
			this.start = start;
		}

	}

}

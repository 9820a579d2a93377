package io.keyspace.sample.feed;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.annotation.OnKeyEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

/**
 * The last notifications of the application's database, kept in memory and streamed to
 * browsers as server-sent events, on Spring MVC and on WebFlux alike.
 * <p>
 * The handler only appends to a buffer: each stream takes its entries on a worker of its own,
 * and one that falls {@value #CAPACITY} entries behind is cut off, so a slow client never holds
 * up the library's handler threads (and with them the cache updates) nor piles up memory.
 */
@Component
public class NotificationFeed {

	private static final Logger logger = LoggerFactory.getLogger(NotificationFeed.class);

	static final int CAPACITY = 100;

	private final Deque<FeedEntry> recent = new ArrayDeque<>(CAPACITY);

	// The same last entries for the streams: a new stream gets them, then each new one, with
	// neither a gap nor a repeat between the two (the sink replays and goes live atomically).
	private final Sinks.Many<FeedEntry> entries = Sinks.many().replay().limit(CAPACITY);

	private final EventStreams streams;

	// Names this process in the SSE event ids; see EventId.
	private final String epoch = UUID.randomUUID().toString().substring(0, 8);

	private long sequence;

	NotificationFeed(EventStreams streams) {
		this.streams = streams;
	}

	/**
	 * An event-only handler: {@code event = "*"} and no key subscribes the keyevent channel
	 * pattern {@code __keyevent@<db>__:*}, so every event of every key in the application's
	 * database arrives here, product or not.
	 */
	@OnKeyEvent(event = "*", id = "live-feed")
	void record(KeyNotification notification) {
		synchronized (this.recent) {
			FeedEntry entry = FeedEntry.of(++this.sequence, notification);
			if (this.recent.size() == CAPACITY) {
				this.recent.removeFirst();
			}
			this.recent.addLast(entry);
			// Emitted under the lock: a sink takes one emitter at a time, and the streams get the
			// entries in sequence order although handlers run on several threads.
			this.entries.tryEmitNext(entry);
		}
	}

	/** The buffered notifications, oldest first. */
	public List<FeedEntry> recent() {
		synchronized (this.recent) {
			return List.copyOf(this.recent);
		}
	}

	/**
	 * A new SSE stream: first the buffered notifications newer than {@code lastEventId} (what
	 * a reconnecting EventSource sends), then every new one. An id from another process (the
	 * application restarted while the page stayed open) or none at all replays the whole buffer.
	 */
	public Flux<ServerSentEvent<FeedEntry>> stream(String lastEventId) {
		long after = EventId.parse(lastEventId).filter((id) -> id.epoch().equals(this.epoch)).map(EventId::seq).orElse(0L);
		Flux<ServerSentEvent<FeedEntry>> events = this.entries.asFlux()
			.filter((entry) -> entry.seq() > after)
			// A client this far behind is cut off: its EventSource reconnects with the last id it
			// got and is replayed what it missed, as far as the buffer reaches.
			.onBackpressureBuffer(CAPACITY,
					(entry) -> logger.info("An SSE client fell {} notifications behind; closing its stream", CAPACITY))
			// Off the handler thread that emitted: encoding and writing happen on the stream's own worker.
			.publishOn(Schedulers.boundedElastic())
			.map(this::event);
		return this.streams.open("keyspace notifications: up to " + CAPACITY + " recent ones, then live", events);
	}

	private ServerSentEvent<FeedEntry> event(FeedEntry entry) {
		return ServerSentEvent.builder(entry)
			.id(new EventId(this.epoch, entry.seq()).toString())
			.event("notification")
			.build();
	}

}

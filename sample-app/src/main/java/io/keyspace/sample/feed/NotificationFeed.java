package io.keyspace.sample.feed;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.annotation.OnKeyEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The last notifications of the application's database, kept in memory and pushed to
 * browsers as server-sent events.
 * <p>
 * The handler only appends to a buffer and queues the push: writing to a browser happens on
 * a thread of its own, so a slow client never holds up the library's handler threads (and
 * with them the cache updates).
 */
@Component
public class NotificationFeed implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(NotificationFeed.class);

	static final int CAPACITY = 100;

	private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

	private final Deque<FeedEntry> recent = new ArrayDeque<>(CAPACITY);

	// Only touched on the push thread.
	private final List<Subscriber> subscribers = new ArrayList<>();

	private final ExecutorService pusher = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "sse-push");
		thread.setDaemon(true);
		return thread;
	});

	// Names this process in the SSE event ids; see EventId.
	private final String epoch = UUID.randomUUID().toString().substring(0, 8);

	private long sequence;

	/**
	 * An event-only handler: {@code event = "*"} and no key subscribes the keyevent channel
	 * pattern {@code __keyevent@<db>__:*}, so every event of every key in the application's
	 * database arrives here, product or not.
	 */
	@OnKeyEvent(event = "*", id = "live-feed")
	void record(KeyNotification notification) {
		FeedEntry entry;
		synchronized (this.recent) {
			entry = FeedEntry.of(++this.sequence, notification);
			if (this.recent.size() == CAPACITY) {
				this.recent.removeFirst();
			}
			this.recent.addLast(entry);
			// Queued under the lock: pushes leave in sequence order although handlers run on several threads.
			onPushThread(() -> push(entry));
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
	public SseEmitter subscribe(String lastEventId) {
		long after = EventId.parse(lastEventId).filter((id) -> id.epoch().equals(this.epoch)).map(EventId::seq).orElse(0L);
		SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
		Subscriber subscriber = new Subscriber(emitter, this.epoch, after);
		emitter.onCompletion(() -> onPushThread(() -> this.subscribers.remove(subscriber)));
		emitter.onTimeout(emitter::complete);
		onPushThread(() -> {
			// A comment first: it commits the response, so a client sees the stream open at once.
			if (!subscriber.comment("keyspace notifications: up to " + CAPACITY + " recent ones, then live")) {
				return;
			}
			for (FeedEntry entry : recent()) {
				if (!subscriber.send(entry)) {
					return;
				}
			}
			this.subscribers.add(subscriber);
		});
		return emitter;
	}

	/** Ends the open streams first, so that a graceful web server shutdown need not wait for them. */
	@EventListener(ContextClosedEvent.class)
	void closeStreams() {
		onPushThread(() -> {
			this.subscribers.forEach((subscriber) -> subscriber.emitter.complete());
			this.subscribers.clear();
		});
	}

	@Override
	public void destroy() {
		this.pusher.shutdownNow();
	}

	private void onPushThread(Runnable task) {
		try {
			this.pusher.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// shutting down: nobody is listening anymore
		}
	}

	private void push(FeedEntry entry) {
		this.subscribers.removeIf((subscriber) -> !subscriber.send(entry));
	}

	/** One open stream; {@code lastSent} keeps the backlog and the live pushes from overlapping. */
	private static final class Subscriber {

		private final SseEmitter emitter;

		private final String epoch;

		private long lastSent;

		Subscriber(SseEmitter emitter, String epoch, long lastSent) {
			this.emitter = emitter;
			this.epoch = epoch;
			this.lastSent = lastSent;
		}

		/** Sends the entry unless already sent; {@code false} if the client is gone. */
		boolean send(FeedEntry entry) {
			if (entry.seq() <= this.lastSent) {
				return true;
			}
			boolean sent = send(SseEmitter.event()
				.id(new EventId(this.epoch, entry.seq()).toString())
				.name("notification")
				.data(entry, MediaType.APPLICATION_JSON));
			if (sent) {
				this.lastSent = entry.seq();
			}
			return sent;
		}

		boolean comment(String text) {
			return send(SseEmitter.event().comment(text));
		}

		private boolean send(SseEmitter.SseEventBuilder event) {
			try {
				this.emitter.send(event);
				return true;
			}
			catch (IOException | IllegalStateException ex) {
				logger.debug("SSE client went away: {}", ex.getMessage());
				this.emitter.completeWithError(ex);
				return false;
			}
		}

	}

}

package io.keyspace.notifications.reactive;

import java.util.Objects;

import io.keyspace.notifications.DropReason;
import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.channel.NotificationChannel;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Keyspace notifications as a {@link Flux} that honours demand, over any
 * {@link KeyspaceNotifications}.
 * <p>
 * Pub/Sub has no demand of its own: Redis sends as fast as keys change. Each subscriber of
 * {@link #receive} therefore gets a bounded buffer of its own, filled on the connection's
 * reader thread and emptied as the subscriber requests. What does not fit is dropped, never
 * silently: counted in {@code metrics().dropped(DropReason.SUBSCRIBER_OVERFLOW)}, logged at WARN
 * (throttled) and reported as an {@link GapCause#OVERFLOW} gap on {@link #gaps()} naming the
 * node and the subscriber's channels.
 * <p>
 * Elements are emitted on a worker of the scheduler (one per subscriber, so in order), woken
 * once per burst read from Redis, or on the thread that requests more; never on a reader thread.
 */
public final class ReactiveKeyspaceNotifications {

	/** Notifications one subscriber's buffer holds by default. */
	public static final int DEFAULT_BUFFER_SIZE = 8192;

	private final KeyspaceNotifications notifications;

	private final int bufferSize;

	private final Scheduler scheduler;

	private final Sinks.Many<NotificationGap> gaps = Sinks.many().multicast().directBestEffort();

	/**
	 * Over {@code notifications}, with buffers of {@value #DEFAULT_BUFFER_SIZE} and elements emitted on
	 * {@link Schedulers#boundedElastic()} (a subscriber may block, as a servlet response does).
	 */
	public ReactiveKeyspaceNotifications(KeyspaceNotifications notifications) {
		this(notifications, DEFAULT_BUFFER_SIZE, Schedulers.boundedElastic());
	}

	/**
	 * @param notifications where notifications come from
	 * @param bufferSize how many notifications each subscriber's buffer holds
	 * @param scheduler where elements are emitted (and where the server subscription is made)
	 */
	public ReactiveKeyspaceNotifications(KeyspaceNotifications notifications, int bufferSize, Scheduler scheduler) {
		if (bufferSize < 1) {
			throw new IllegalArgumentException("bufferSize must be at least 1, was " + bufferSize);
		}
		this.notifications = Objects.requireNonNull(notifications, "notifications");
		this.bufferSize = bufferSize;
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		// The gap listener thread is the only emitter; a subscriber without demand misses a gap
		// only if it requested none, and gaps() buffers for every subscriber.
		notifications.addGapListener((gap) -> this.gaps.tryEmitNext(gap));
	}

	/**
	 * The notifications of {@code channels}, from the moment the server confirmed the
	 * subscription. Subscribing subscribes on the server (off the caller's thread; a failure is
	 * an error signal); cancelling unsubscribes. Subscribers of the same channels share one
	 * server subscription. The flux does not complete by itself.
	 * <p>
	 * Demand is honoured with a buffer per subscriber; what overflows it is dropped as
	 * {@link DropReason#SUBSCRIBER_OVERFLOW} and reported as a gap.
	 */
	public Flux<KeyNotification> receive(NotificationChannel... channels) {
		if (channels.length == 0) {
			throw new IllegalArgumentException("Name at least one channel to receive");
		}
		NotificationChannel[] wanted = channels.clone();
		// push, not create: one drain at a time emits, so no serialising sink is needed; ERROR, as
		// the buffer emits only what was requested, so the sink needs no queue of its own.
		return Flux.<KeyNotification>push((emitter) -> {
			SubscriberBuffer buffer = new SubscriberBuffer(emitter, this.bufferSize, this.scheduler.createWorker());
			emitter.onRequest((n) -> buffer.drain());
			emitter.onDispose(() -> {
				buffer.dispose();
				this.notifications.unsubscribeSink(buffer, wanted);
			});
			try {
				this.notifications.subscribeSink(buffer, wanted);
				if (emitter.isCancelled()) {
					this.notifications.unsubscribeSink(buffer, wanted); // cancelled while subscribing
				}
			}
			catch (RuntimeException ex) {
				emitter.error(ex);
			}
		}, FluxSink.OverflowStrategy.ERROR).subscribeOn(this.scheduler, false);
	}

	/**
	 * Interruptions of delivery, each once when delivery resumed: lost connections, failovers,
	 * slot moves, overflows (also a subscriber of {@link #receive} that requested too little).
	 * Hot: a subscriber sees the gaps reported after it subscribed; each is buffered for it.
	 */
	public Flux<NotificationGap> gaps() {
		return this.gaps.asFlux().onBackpressureBuffer();
	}

	/** How many notifications each subscriber's buffer holds. */
	public int bufferSize() {
		return this.bufferSize;
	}

	/** The notifications this reads from. */
	public KeyspaceNotifications notifications() {
		return this.notifications;
	}

}

package io.keyspace.notifications.reactive;

import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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
 * (throttled) and reported on {@link #gaps()} as an {@link GapCause#OVERFLOW} gap naming the
 * node and the subscriber's channels. Only that subscriber missed anything, so the gap goes
 * to {@link #gaps()} and not to the notifications object's gap listeners (nor to Spring's
 * {@code NotificationGapEvent}s): a slow client must not make handlers resynchronise.
 * <p>
 * Elements are emitted on a worker of the scheduler (one per subscriber, so in order), woken
 * once per burst read from Redis, or on the thread that requests more; never on a reader thread.
 */
public final class ReactiveKeyspaceNotifications {

	/** Notifications one subscriber's buffer holds by default. */
	public static final int DEFAULT_BUFFER_SIZE = 65_536;

	private final KeyspaceNotifications notifications;

	private final int bufferSize;

	private final Scheduler scheduler;

	private final Sinks.Many<NotificationGap> gaps = Sinks.many().multicast().directBestEffort();

	private final Object gapEmission = new Object(); // the gap thread and reader threads emit

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
		notifications.addGapListener(this::emitGap);
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
		Set<String> channelNames = Arrays.stream(wanted).map(NotificationChannel::toString).collect(Collectors.toSet());
		// push, not create: one drain at a time emits, so no serialising sink is needed; ERROR, as
		// the buffer emits only what was requested, so the sink needs no queue of its own.
		return Flux.<KeyNotification>push((emitter) -> {
			SubscriberBuffer buffer = new SubscriberBuffer(emitter, this.bufferSize, this.scheduler.createWorker(),
					new OverflowEpisodes(channelNames, this::emitGap, Clock.systemUTC()));
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
	 * slot moves, the handlers' overflows, and the overflows of this object's {@link #receive}
	 * subscribers. Hot: a subscriber sees the gaps reported after it subscribed; each is
	 * buffered for it and emitted on the scheduler, never on a reader thread.
	 */
	public Flux<NotificationGap> gaps() {
		return this.gaps.asFlux().onBackpressureBuffer().publishOn(this.scheduler);
	}

	// Rare (a gap each), from the gap thread and reader threads: serialised for the sink.
	private void emitGap(NotificationGap gap) {
		synchronized (this.gapEmission) {
			this.gaps.tryEmitNext(gap);
		}
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

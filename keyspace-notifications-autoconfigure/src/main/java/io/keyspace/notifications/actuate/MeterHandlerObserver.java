package io.keyspace.notifications.actuate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.actuate.KeyspaceNotificationsObservation.HandlerKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Times handlers and the wait before them:
 * <ul>
 * <li>{@code keyspace.notifications.lag}: from the read burst a notification arrived in to its
 * handlers starting;</li>
 * <li>{@code keyspace.notifications.handler}: the {@link KeyspaceNotificationsObservation#HANDLER
 * handler observation}, so tracing sees it too and the meter handler times it with its
 * low-cardinality keys as tags; or, when there is no observation registry, a plain timer with
 * the tags {@code handler} (the {@code @OnKeyEvent} id or {@code Bean#method}) and
 * {@code outcome} ({@code success} or {@code error}).</li>
 * </ul>
 * Handler names are few and fixed at startup, so the tags stay bounded.
 */
public class MeterHandlerObserver implements HandlerObserver {

	private final MeterRegistry meters;

	private final ObservationRegistry observations;

	private final KeyNotificationObservationConvention convention;

	private final Timer lag;

	// Per handler name, so that a call looks its timer up without building a key.
	private final Map<String, Timer> successes = new ConcurrentHashMap<>();

	private final Map<String, Timer> errors = new ConcurrentHashMap<>();

	/**
	 * @param observations the observation registry, or {@code null} to record plain timers
	 * @param convention the application's handler observation convention, or {@code null} for
	 * the registry's global one or {@link DefaultKeyNotificationObservationConvention}
	 */
	public MeterHandlerObserver(MeterRegistry meters, ObservationRegistry observations,
			KeyNotificationObservationConvention convention) {
		this.meters = meters;
		this.observations = observations;
		this.convention = convention;
		this.lag = Timer.builder(KeyspaceNotificationsMeterBinder.PREFIX + "lag")
			.description("Time from reading a notification to its handlers starting")
			.register(meters);
	}

	@Override
	public void beforeHandlers(KeyNotification notification, long lagNanos) {
		this.lag.record(lagNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void call(KeyNotificationHandler handler, KeyNotification notification) {
		call(handler, null, notification);
	}

	@Override
	public void call(KeyNotificationHandler handler, String group, KeyNotification notification) {
		if (this.observations != null) {
			observe(handler, group, notification);
		}
		else {
			time(handler, notification);
		}
	}

	/** The scope is open during the call, so that what the handler calls (Redis, HTTP) joins the trace. */
	private void observe(KeyNotificationHandler handler, String group, KeyNotification notification) {
		KeyNotificationObservationContext context = new KeyNotificationObservationContext(notification,
				handler.toString(), group);
		Observation observation = KeyspaceNotificationsObservation.HANDLER
			.observation(this.convention, DefaultKeyNotificationObservationConvention.INSTANCE, () -> context,
					this.observations)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			handler.onNotification(notification);
			context.setHandled(true);
		}
		catch (Throwable ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private void time(KeyNotificationHandler handler, KeyNotification notification) {
		String name = handler.toString();
		long start = System.nanoTime();
		boolean handled = false;
		try {
			handler.onNotification(notification);
			handled = true;
		}
		finally {
			Timer timer = handled ? timer(this.successes, name, DefaultKeyNotificationObservationConvention.SUCCESS)
					: timer(this.errors, name, DefaultKeyNotificationObservationConvention.ERROR);
			timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
	}

	/** The same name and the {@code handler} and {@code outcome} tags as the observation's timer. */
	private Timer timer(Map<String, Timer> timers, String handler, KeyValue outcome) {
		Timer timer = timers.get(handler); // no capturing lambda per call once it exists
		return (timer != null) ? timer : timers.computeIfAbsent(handler, (name) -> Timer
			.builder(DefaultKeyNotificationObservationConvention.NAME)
			.description("Handler calls")
			.tag(HandlerKeyNames.HANDLER.asString(), name)
			.tag(outcome.getKey(), outcome.getValue())
			.register(this.meters));
	}

}

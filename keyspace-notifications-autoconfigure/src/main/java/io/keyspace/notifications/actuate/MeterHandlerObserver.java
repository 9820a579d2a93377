package io.keyspace.notifications.actuate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Times handlers and the wait before them:
 * <ul>
 * <li>{@code keyspace.notifications.lag}: from the read burst a notification arrived in to its
 * handlers starting;</li>
 * <li>{@code keyspace.notifications.handler} (tags {@code handler} = the {@code @OnKeyEvent}
 * id or {@code Bean#method}, {@code outcome} = success or error): an Observation, so tracing
 * sees it too, or a plain timer when there is no observation registry.</li>
 * </ul>
 * Handler names are few and fixed at startup, so the tags stay bounded.
 */
public class MeterHandlerObserver implements HandlerObserver {

	static final String HANDLER = KeyspaceNotificationsMeterBinder.PREFIX + "handler";

	private final MeterRegistry meters;

	private final ObservationRegistry observations;

	private final Timer lag;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	/** @param observations the observation registry, or {@code null} to record plain timers */
	public MeterHandlerObserver(MeterRegistry meters, ObservationRegistry observations) {
		this.meters = meters;
		this.observations = observations;
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
		String name = handler.toString();
		if (this.observations != null) {
			observe(handler, notification, name);
			return;
		}
		long start = System.nanoTime();
		String outcome = "error";
		try {
			handler.onNotification(notification);
			outcome = "success";
		}
		finally {
			timer(name, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
	}

	private void observe(KeyNotificationHandler handler, KeyNotification notification, String name) {
		Observation observation = Observation.createNotStarted(HANDLER, this.observations)
			.contextualName("keyspace notification " + notification.event())
			.lowCardinalityKeyValue("handler", name)
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			handler.onNotification(notification);
			observation.lowCardinalityKeyValue("outcome", "success");
		}
		catch (RuntimeException | Error ex) {
			observation.lowCardinalityKeyValue("outcome", "error");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private Timer timer(String handler, String outcome) {
		return this.timers.computeIfAbsent(handler + '\0' + outcome, (key) -> Timer.builder(HANDLER)
			.description("Handler calls")
			.tag("handler", handler)
			.tag("outcome", outcome)
			.register(this.meters));
	}

}

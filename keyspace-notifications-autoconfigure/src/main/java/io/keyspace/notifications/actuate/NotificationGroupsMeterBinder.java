package io.keyspace.notifications.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.GroupMetrics;
import io.keyspace.notifications.NotificationGroups;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * What this instance did for each group of the {@link NotificationGroups} beans, as counters
 * tagged {@code group} (a group is a name the application chose, never a key):
 * {@code keyspace.notifications.group.forwarded}, {@code .handled}, {@code .failed},
 * {@code .reclaimed} and {@code .dead.lettered}; and their gaps in
 * {@code keyspace.notifications.gaps}, tagged with their cause ({@code no_forwarder},
 * {@code overflow} for entries trimmed unhandled, {@code stream_lost}).
 * <p>
 * A post-processor, so that the lazy {@link NotificationGroups} bean is neither created for
 * the meters nor missed. Groups appear when their handlers are subscribed, so their meters
 * are added once the context is refreshed (the listener container has subscribed by then)
 * and, for groups subscribed later, every {@value #CHECK_SECONDS} s on one daemon thread,
 * started with the first {@link NotificationGroups}.
 */
public class NotificationGroupsMeterBinder
		implements BeanPostProcessor, ApplicationListener<ContextRefreshedEvent>, DisposableBean {

	private static final String PREFIX = KeyspaceNotificationsMeterBinder.PREFIX + "group.";

	private static final long CHECK_SECONDS = 10;

	private final ObjectProvider<MeterRegistry> registry;

	private final List<NotificationGroups> known = new CopyOnWriteArrayList<>();

	private final Set<String> boundGroups = ConcurrentHashMap.newKeySet();

	private ScheduledExecutorService check; // guarded by this

	public NotificationGroupsMeterBinder(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof NotificationGroups groups) {
			this.known.add(groups);
			groups.addGapListener((gap) -> {
				MeterRegistry meters = this.registry.getIfUnique();
				if (meters != null) {
					gaps(meters, gap.cause()).increment();
				}
			});
			startChecking();
		}
		return bean;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		bindGroups();
	}

	@Override
	public synchronized void destroy() {
		if (this.check != null) {
			this.check.shutdownNow();
		}
	}

	/** Adds the meters of groups not seen before. */
	void bindGroups() {
		MeterRegistry meters = this.registry.getIfUnique();
		if (meters == null) {
			return;
		}
		for (NotificationGroups groups : this.known) {
			for (String group : groups.groups()) {
				if (this.boundGroups.add(group)) {
					bind(meters, groups, group);
				}
			}
		}
	}

	private void bind(MeterRegistry meters, NotificationGroups groups, String group) {
		counter(meters, groups, group, "forwarded", "Notifications this instance copied into the group's streams",
				GroupMetrics::forwarded);
		counter(meters, groups, group, "handled", "Group notifications whose handler returned in this instance",
				GroupMetrics::handled);
		counter(meters, groups, group, "failed", "Group handler calls that threw in this instance (retried later)",
				GroupMetrics::failed);
		counter(meters, groups, group, "reclaimed",
				"Group notifications in entries this instance took over after another held them past the claim timeout",
				GroupMetrics::reclaimed);
		counter(meters, groups, group, "dead.lettered",
				"Group notifications this instance moved to the dead-letter stream after too many deliveries",
				GroupMetrics::deadLettered);
	}

	private static void counter(MeterRegistry meters, NotificationGroups groups, String group, String name,
			String description, ToLongFunction<GroupMetrics> value) {
		FunctionCounter.builder(PREFIX + name, groups, (g) -> value.applyAsLong(g.metrics(group)))
			.description(description)
			.tag("group", group)
			.register(meters);
	}

	/** The same meter as the notifications' gaps (registering it again returns it). */
	private static Counter gaps(MeterRegistry meters, GapCause cause) {
		return Counter.builder(KeyspaceNotificationsMeterBinder.PREFIX + "gaps")
			.description("Interruptions of delivery, reported once delivery resumed")
			.tag("cause", cause.name().toLowerCase(Locale.ROOT))
			.register(meters);
	}

	private synchronized void startChecking() {
		if (this.check == null) {
			this.check = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "keyspace-group-meters");
				thread.setDaemon(true);
				return thread;
			});
			this.check.scheduleWithFixedDelay(this::bindGroups, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
		}
	}

}

package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Explains a missing notifications bean (or listener container) that a bean needs, when the
 * reason is a Redis setup the starter cannot serve. Ordered before Spring Boot's general
 * "could not be found" analysis, which would only suggest defining the bean.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnsupportedRedisTopologyFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException> {

	private final Environment environment;

	UnsupportedRedisTopologyFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
		Class<?> type = (cause.getResolvableType() != null) ? cause.getResolvableType().resolve() : null;
		if (type != KeyspaceNotifications.class && type != KeyspaceNotificationListenerContainer.class) {
			return null;
		}
		return UnsupportedRedisTopology.in(this.environment)
			.map((topology) -> new FailureAnalysis("A bean of type " + type.getName()
					+ " is needed, but keyspace notifications are off: " + topology.problem() + ".",
					UnsupportedRedisTopology.FIX + ".", cause))
			.orElse(null);
	}

}

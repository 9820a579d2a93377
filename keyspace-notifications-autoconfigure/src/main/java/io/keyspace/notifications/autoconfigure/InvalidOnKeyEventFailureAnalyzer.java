package io.keyspace.notifications.autoconfigure;

import java.util.Optional;

import io.keyspace.notifications.annotation.InvalidOnKeyEventException;
import io.keyspace.notifications.annotation.OnKeyEventBeanPostProcessor;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains an unusable {@code @OnKeyEvent} method at startup: which method, what is wrong, how
 * to fix it. When the listener container is missing because of a Redis setup the starter
 * cannot serve, that is said too, with the property that selects it.
 */
class InvalidOnKeyEventFailureAnalyzer extends AbstractFailureAnalyzer<InvalidOnKeyEventException> {

	private final BeanFactory beanFactory;

	private final Environment environment;

	InvalidOnKeyEventFailureAnalyzer(BeanFactory beanFactory, Environment environment) {
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidOnKeyEventException cause) {
		String description = "The @OnKeyEvent method " + cause.handler() + " cannot be used: " + cause.problem() + ".";
		String action = cause.fix() + ".";
		Optional<UnsupportedRedisTopology> topology = missingContainerBecauseOf();
		if (topology.isPresent()) {
			description += " Keyspace notifications are off: " + topology.get().problem() + ".";
			action = UnsupportedRedisTopology.FIX + ". " + action;
		}
		return new FailureAnalysis(description, action, cause);
	}

	private Optional<UnsupportedRedisTopology> missingContainerBecauseOf() {
		if (this.beanFactory.containsBean(OnKeyEventBeanPostProcessor.DEFAULT_CONTAINER_BEAN_NAME)) {
			return Optional.empty();
		}
		return UnsupportedRedisTopology.in(this.environment);
	}

}

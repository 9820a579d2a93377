package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.annotation.InvalidOnKeyEventException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an unusable {@code @OnKeyEvent} method at startup: which method, what is wrong, how to fix it. */
class InvalidOnKeyEventFailureAnalyzer extends AbstractFailureAnalyzer<InvalidOnKeyEventException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidOnKeyEventException cause) {
		return new FailureAnalysis(
				"The @OnKeyEvent method " + cause.handler() + " cannot be used: " + cause.problem() + ".",
				cause.fix() + ".", cause);
	}

}

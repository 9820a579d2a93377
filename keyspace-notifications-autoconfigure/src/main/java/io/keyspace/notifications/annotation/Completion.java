package io.keyspace.notifications.annotation;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.springframework.core.KotlinDetector;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;

/**
 * How a handler's return value is waited for. A handler runs on its key's lane, so waiting
 * there until a {@code Mono}, {@code Publisher}, {@code CompletionStage} or coroutine completes
 * is what keeps one key's calls from overlapping, counts an error signal as a handler error and
 * lets a group acknowledge only what was handled. Chosen once per method, when it is registered.
 */
interface Completion {

	/** For methods whose return value means nothing (void, or any plain value). */
	Completion NONE = (result, timeout, handler) -> {
	};

	/**
	 * Waits until {@code result} completes, at most {@code timeout}; rethrows its error.
	 * @throws HandlerTimeoutException when it did not complete in time (it was cancelled)
	 */
	void await(Object result, Duration timeout, String handler);

	/** The completion for a method's return type; suspending functions are reactive too. */
	static Completion of(Method method) {
		Class<?> type = method.getReturnType();
		if (CompletionStage.class.isAssignableFrom(type)) {
			return StageCompletion.INSTANCE;
		}
		if (KotlinDetector.isSuspendingFunction(method)) {
			return PublisherCompletion.FOR_PUBLISHER;
		}
		ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(type);
		return (adapter != null) ? PublisherCompletion.adapting(adapter) : NONE;
	}

}

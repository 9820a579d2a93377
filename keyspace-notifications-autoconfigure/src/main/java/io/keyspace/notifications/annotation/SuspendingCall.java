package io.keyspace.notifications.annotation;

import java.lang.reflect.Method;

import org.springframework.core.CoroutinesUtils;

/**
 * Starts a Kotlin {@code suspend fun} as Spring does for its own handler methods: the result
 * is a publisher that completes when the coroutine returns. A class of its own so that only
 * applications with such methods need Kotlin's coroutines on the class path.
 */
final class SuspendingCall {

	private SuspendingCall() {
	}

	static Object invoke(Method method, Object bean, Object[] args) {
		return CoroutinesUtils.invokeSuspendingFunction(method, bean, args);
	}

}

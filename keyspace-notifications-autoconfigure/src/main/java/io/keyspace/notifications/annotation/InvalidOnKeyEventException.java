package io.keyspace.notifications.annotation;

import java.lang.reflect.Method;

import io.keyspace.notifications.KeyspaceNotificationsException;

/**
 * An {@code @OnKeyEvent} method cannot be used. The message names {@code BeanClass#method},
 * the problem and how to fix it; {@link #problem()} and {@link #fix()} give the parts.
 */
public class InvalidOnKeyEventException extends KeyspaceNotificationsException {

	private final String handler;

	private final String problem;

	private final String fix;

	public InvalidOnKeyEventException(Method method, String problem, String fix) {
		this(describe(method), problem, fix);
	}

	public InvalidOnKeyEventException(String handler, String problem, String fix) {
		super("@OnKeyEvent method " + handler + ": " + problem + ". " + fix);
		this.handler = handler;
		this.problem = problem;
		this.fix = fix;
	}

	/** {@code BeanClass#method}. */
	public String handler() {
		return this.handler;
	}

	public String problem() {
		return this.problem;
	}

	public String fix() {
		return this.fix;
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getSimpleName() + "#" + method.getName();
	}

}

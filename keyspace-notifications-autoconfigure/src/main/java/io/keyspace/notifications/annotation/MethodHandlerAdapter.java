package io.keyspace.notifications.annotation;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Calls an {@code @OnKeyEvent} method. The arguments are worked out once, when the method
 * is registered, into one small function per parameter; a notification then costs one
 * reflective call and no lookups.
 * <p>
 * A method may return a {@code Mono}, any {@code Publisher}, a {@code CompletionStage}, or be
 * a Kotlin {@code suspend fun}: the call then lasts until that completes (at most the
 * handler timeout), see {@link Completion}.
 */
public final class MethodHandlerAdapter implements KeyNotificationHandler {

	/** How long a reactive or asynchronous method may take unless the application says otherwise. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	// What Spring needs to call a suspend function: the coroutines-Reactor bridge and Kotlin reflection.
	private static final boolean COROUTINES_PRESENT = ClassUtils.isPresent("kotlinx.coroutines.reactor.MonoKt",
			MethodHandlerAdapter.class.getClassLoader())
			&& ClassUtils.isPresent("kotlin.reflect.full.KClasses", MethodHandlerAdapter.class.getClassLoader());

	static final String SUPPORTED_FORMS = "Declare any of these parameters, each at most once and in any order: "
			+ "KeyNotification, String (the key), byte[] (the key bytes), List<String> (the subkeys), or none";

	private final Object bean;

	private final Method method;

	private final String name;

	private final Function<KeyNotification, Object>[] arguments;

	private final boolean suspending;

	private final Completion completion;

	private final Duration timeout;

	/**
	 * @param bean the bean (or its proxy) to call the method on
	 * @param method the method, invocable on {@code bean}
	 * @param name how logs refer to the handler, usually {@code BeanClass#method}
	 * @throws InvalidOnKeyEventException if a parameter is not one of the supported forms
	 */
	public MethodHandlerAdapter(Object bean, Method method, String name) {
		this(bean, method, name, DEFAULT_TIMEOUT);
	}

	/**
	 * @param timeout how long a method returning a {@code Mono}, {@code Publisher} or
	 * {@code CompletionStage}, or a {@code suspend fun}, may take before it is cancelled
	 * @see #MethodHandlerAdapter(Object, Method, String)
	 */
	@SuppressWarnings("unchecked")
	public MethodHandlerAdapter(Object bean, Method method, String name, Duration timeout) {
		this.bean = bean;
		this.method = method;
		this.name = name;
		this.timeout = timeout;
		this.suspending = KotlinDetector.isSuspendingFunction(method);
		if (this.suspending && !COROUTINES_PRESENT) {
			throw new InvalidOnKeyEventException(name,
					"it is a suspend function, which needs kotlinx-coroutines-reactor and kotlin-reflect",
					"Add org.jetbrains.kotlinx:kotlinx-coroutines-reactor and org.jetbrains.kotlin:kotlin-reflect to the "
							+ "application's dependencies");
		}
		this.completion = Completion.of(method);
		// The continuation of a suspend function is passed by the coroutine machinery, not by us.
		this.arguments = new Function[method.getParameterCount() - (this.suspending ? 1 : 0)];
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < this.arguments.length; i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			String form = form(parameter);
			if (form == null) {
				throw new InvalidOnKeyEventException(name, "parameter " + (i + 1) + " has the unsupported type "
						+ ResolvableType.forMethodParameter(parameter), SUPPORTED_FORMS);
			}
			if (!seen.add(form)) {
				throw new InvalidOnKeyEventException(name, "more than one parameter of type " + form, SUPPORTED_FORMS);
			}
			this.arguments[i] = resolver(form);
		}
		ReflectionUtils.makeAccessible(method);
	}

	/** This adapter with another timeout for asynchronous methods; {@code this} if it is the same. */
	public MethodHandlerAdapter withTimeout(Duration timeout) {
		return timeout.equals(this.timeout) ? this : new MethodHandlerAdapter(this.bean, this.method, this.name, timeout);
	}

	@Override
	public void onNotification(KeyNotification notification) {
		Object[] args = new Object[this.arguments.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.arguments[i].apply(notification);
		}
		Object result = this.suspending ? SuspendingCall.invoke(this.method, this.bean, args)
				: ReflectionUtils.invokeMethod(this.method, this.bean, args);
		this.completion.await(result, this.timeout, this.name);
	}

	/** A method that returns something to wait for (a Mono, a stage, a suspend fun) waits. */
	@Override
	public boolean mayBlock() {
		return this.completion != Completion.NONE;
	}

	@Override
	public String toString() {
		return this.name;
	}

	private static String form(MethodParameter parameter) {
		Class<?> type = parameter.getParameterType();
		if (type == KeyNotification.class) {
			return "KeyNotification";
		}
		if (type == String.class) {
			return "String";
		}
		if (type == byte[].class) {
			return "byte[]";
		}
		ResolvableType resolvable = ResolvableType.forMethodParameter(parameter);
		if (type == List.class && resolvable.getGeneric(0).resolve() == String.class) {
			return "List<String>";
		}
		return null;
	}

	private static Function<KeyNotification, Object> resolver(String form) {
		return switch (form) {
			case "KeyNotification" -> (n) -> n;
			case "String" -> KeyNotification::key;
			case "byte[]" -> KeyNotification::keyBytes;
			default -> KeyNotification::subkeys;
		};
	}

}

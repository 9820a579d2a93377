package io.keyspace.notifications.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/**
 * Calls an {@code @OnKeyEvent} method. The arguments are worked out once, when the method
 * is registered, into one small function per parameter; a notification then costs one
 * reflective call and no lookups.
 */
public final class MethodHandlerAdapter implements KeyNotificationHandler {

	static final String SUPPORTED_FORMS = "Declare any of these parameters, each at most once and in any order: "
			+ "KeyNotification, String (the key), byte[] (the key bytes), List<String> (the subkeys), or none";

	private final Object bean;

	private final Method method;

	private final String name;

	private final Function<KeyNotification, Object>[] arguments;

	/**
	 * @param bean the bean (or its proxy) to call the method on
	 * @param method the method, invocable on {@code bean}
	 * @param name how logs refer to the handler, usually {@code BeanClass#method}
	 * @throws InvalidOnKeyEventException if a parameter is not one of the supported forms
	 */
	@SuppressWarnings("unchecked")
	public MethodHandlerAdapter(Object bean, Method method, String name) {
		this.bean = bean;
		this.method = method;
		this.name = name;
		this.arguments = new Function[method.getParameterCount()];
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

	@Override
	public void onNotification(KeyNotification notification) {
		Object[] args = new Object[this.arguments.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.arguments[i].apply(notification);
		}
		try {
			this.method.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			ReflectionUtils.rethrowRuntimeException(ex.getTargetException());
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot call " + this.name, ex);
		}
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

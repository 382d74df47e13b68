package io.statetree.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import io.statetree.core.InvalidPathException;
import io.statetree.core.PathPattern;
import io.statetree.core.StateEvent;
import io.statetree.core.StateListener;
import org.jspecify.annotations.Nullable;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.SynthesizingMethodParameter;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.util.StringUtils;

/**
 * Calls an {@code @OnStateChange} method with its parameters bound from the event (DESIGN §9). Its
 * {@link #toString()} names the bean and the method, which is how the controller describes it.
 */
final class StateMethodListener implements StateListener {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private static final TypeDescriptor STRING = TypeDescriptor.valueOf(String.class);

	private final BeanMethod method;

	private final List<String> patterns;

	private final ArgumentResolver[] resolvers;

	private final @Nullable Expression condition;

	private final @Nullable BeanResolver beanResolver;

	private final String description;

	private StateMethodListener(BeanMethod method, List<String> patterns, ArgumentResolver[] resolvers,
			@Nullable Expression condition, @Nullable BeanResolver beanResolver) {
		this.method = method;
		this.patterns = patterns;
		this.resolvers = resolvers;
		this.condition = condition;
		this.beanResolver = beanResolver;
		this.description = method.describe();
	}

	/**
	 * Inspects an {@code @OnStateChange} method and prepares its listener.
	 * @param method the method and its bean
	 * @param patterns the annotation's patterns
	 * @param condition the annotation's condition, empty for none
	 * @param values converts values to parameter types
	 * @param conversionService converts path variables to parameter types
	 * @param beanResolver resolves {@code @bean} references in the condition, or {@code null}
	 * @return the listener
	 * @throws InvalidStateMethodException naming the bean and method when a pattern, the
	 * condition or a parameter is invalid
	 */
	static StateMethodListener create(BeanMethod method, String[] patterns, String condition,
			MethodArgumentConverter values, ConversionService conversionService, @Nullable BeanResolver beanResolver) {
		List<PathPattern> compiled = compilePatterns(method, patterns);
		Method declared = method.declared();
		ArgumentResolver[] resolvers = new ArgumentResolver[declared.getParameterCount()];
		int newValueIndex = -1;
		for (int i = 0; i < resolvers.length; i++) {
			MethodParameter parameter = new SynthesizingMethodParameter(declared, i);
			parameter.initParameterNameDiscovery(PARAMETER_NAMES);
			PathVar pathVar = parameter.getParameterAnnotation(PathVar.class);
			boolean oldValue = parameter.hasParameterAnnotation(OldValue.class);
			if (pathVar != null && oldValue) {
				throw invalid(method, describe(parameter) + " is annotated with both @PathVar and @OldValue");
			}
			if (pathVar != null) {
				resolvers[i] = pathVariable(method, parameter, pathVar, compiled, conversionService);
			}
			else if (oldValue) {
				MethodArgumentConverter.Conversion conversion = values.to(parameter.getGenericParameterType());
				resolvers[i] = conversion::prevValue;
			}
			else if (parameter.getParameterType() == StateEvent.class) {
				resolvers[i] = (event) -> event;
			}
			else {
				if (newValueIndex >= 0) {
					throw invalid(method, "only one parameter can receive the new value, but both "
							+ describe(new MethodParameter(declared, newValueIndex)) + " and " + describe(parameter)
							+ " would; annotate the others with @PathVar or @OldValue, or take a StateEvent");
				}
				newValueIndex = i;
				MethodArgumentConverter.Conversion conversion = values.to(parameter.getGenericParameterType());
				resolvers[i] = conversion::newValue;
			}
		}
		Expression expression = null;
		if (StringUtils.hasText(condition)) {
			try {
				expression = PARSER.parseExpression(condition);
			}
			catch (ParseException ex) {
				throw new InvalidStateMethodException(method.beanName(), declared,
						"its condition \"" + condition + "\" is not a valid SpEL expression: " + ex.getMessage(), ex);
			}
		}
		List<String> canonical = compiled.stream().map(PathPattern::toString).toList();
		return new StateMethodListener(method, canonical, resolvers, expression, beanResolver);
	}

	private static List<PathPattern> compilePatterns(BeanMethod method, String[] patterns) {
		if (patterns.length == 0) {
			throw invalid(method, "@OnStateChange declares no pattern");
		}
		List<PathPattern> compiled = new ArrayList<>(patterns.length);
		for (String pattern : patterns) {
			try {
				compiled.add(PathPattern.compile(pattern));
			}
			catch (InvalidPathException ex) {
				throw new InvalidStateMethodException(method.beanName(), method.declared(), ex.getMessage(), ex);
			}
		}
		return compiled;
	}

	private static ArgumentResolver pathVariable(BeanMethod method, MethodParameter parameter, PathVar pathVar,
			List<PathPattern> patterns, ConversionService conversionService) {
		String name = pathVar.value();
		if (name.isEmpty()) {
			name = parameter.getParameterName();
			if (name == null) {
				throw invalid(method, describe(parameter) + " has @PathVar without a name and the parameter names "
						+ "are not available; write @PathVar(\"name\") or compile with -parameters");
			}
		}
		for (PathPattern pattern : patterns) {
			if (!pattern.variableNames().contains(name)) {
				throw invalid(method, describe(parameter) + " binds path variable '" + name + "', which pattern "
						+ pattern + " does not declare");
			}
		}
		TypeDescriptor target = new TypeDescriptor(parameter);
		if (!conversionService.canConvert(STRING, target)) {
			throw invalid(method, describe(parameter) + " binds path variable '" + name
					+ "', but no converter turns a String into " + target);
		}
		String variable = name;
		return (event) -> conversionService.convert(event.pathVariables().get(variable), STRING, target);
	}

	private static String describe(MethodParameter parameter) {
		String name = parameter.getParameterName();
		return "parameter " + (parameter.getParameterIndex() + 1) + " ("
				+ parameter.getParameterType().getSimpleName() + ((name != null) ? " " + name : "") + ")";
	}

	private static InvalidStateMethodException invalid(BeanMethod method, String reason) {
		return new InvalidStateMethodException(method.beanName(), method.declared(), reason);
	}

	/**
	 * Returns the canonical patterns this listener is subscribed to.
	 * @return the patterns
	 */
	List<String> patterns() {
		return this.patterns;
	}

	/**
	 * Returns the bean method this listener calls.
	 * @return the method
	 */
	BeanMethod method() {
		return this.method;
	}

	@Override
	public void onChange(StateEvent event) {
		if (this.condition != null && !matches(event, this.condition)) {
			return;
		}
		Object[] args = new Object[this.resolvers.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.resolvers[i].resolve(event);
		}
		this.method.invoke(args);
	}

	private boolean matches(StateEvent event, Expression condition) {
		StandardEvaluationContext context = new StandardEvaluationContext(event);
		context.setVariable("event", event);
		if (this.beanResolver != null) {
			context.setBeanResolver(this.beanResolver);
		}
		Object result = condition.getValue(context);
		if (result instanceof Boolean bool) {
			return bool;
		}
		if (result instanceof String string) {
			return Boolean.parseBoolean(string.trim());
		}
		throw new IllegalStateException("The condition \"" + condition.getExpressionString() + "\" of "
				+ this.description + " returned " + result + " instead of a boolean");
	}

	@Override
	public String toString() {
		return this.description;
	}

	@FunctionalInterface
	private interface ArgumentResolver {

		@Nullable Object resolve(StateEvent event);

	}

}

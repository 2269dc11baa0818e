package diag

// Code is a diagnostic's stable identifier, FLOWnnn. Codes are never reused
// or renumbered; docs/diagnostics.md has a section per code.
type Code string

// The diagnostic codes, grouped by the phase that reports them.
const (
	// Go source and package.
	GoSyntax       Code = "FLOW001" // the Go source does not parse
	NoFlow         Code = "FLOW002" // the package holds no flow struct
	StrayDirective Code = "FLOW003" // a //flow: line not directly above a flow type or a step
	BadTag         Code = "FLOW004" // a malformed flow:"..." struct tag

	// Steps and their signatures.
	MissingStart     Code = "FLOW010" // the flow has no Start step
	MissingEnd       Code = "FLOW011" // the flow has no End step
	BadSignature     Code = "FLOW012" // a step's parameters or results are not a step's
	ValueReceiver    Code = "FLOW013" // a step declared on the value type, not the pointer
	BadInputsType    Code = "FLOW014" // a join's Inputs[F] names another type than the flow
	EndTransition    Code = "FLOW015" // End returns a transition or is a join
	MissingNext      Code = "FLOW016" // a step returns no transition
	BadTransition    Code = "FLOW017" // a return value that is not flow.Goto/Branch/Foreach of f.Step
	MixedTransitions Code = "FLOW018" // one step returns transitions of different kinds
	UnknownStep      Code = "FLOW019" // a transition names something that is not a step
	BadBranch        Code = "FLOW020" // Branch with fewer than two or repeated targets, or returns that differ
	BadForeach       Code = "FLOW021" // Foreach over something that is not a slice artifact field
	InputType        Code = "FLOW022" // flow.Input[T] whose T is not the foreach's element type
	InputOutside     Code = "FLOW023" // flow.Input in a step that is not inside a foreach
	JoinSplits       Code = "FLOW024" // a join that also branches, splits or is conditional
	NotAJoin         Code = "FLOW025" // a step with Inputs that is not where splits meet
	MissingInputs    Code = "FLOW026" // a step where a split meets, declared without Inputs
	StepName         Code = "FLOW027" // step names that differ only by case

	// Graph shape.
	StartHasInputs  Code = "FLOW030" // a transition leads back to Start
	Unreachable     Code = "FLOW031" // a step that Start never reaches
	Cycle           Code = "FLOW032" // a loop other than a conditional step's self-loop
	Unjoined        Code = "FLOW033" // End reached while a branch or foreach is still open
	UnrelatedJoin   Code = "FLOW034" // a join that does not close exactly one split's branches
	ConditionalJoin Code = "FLOW035" // a conditional step that leads straight into a join
	EmptyForeach    Code = "FLOW036" // a foreach whose target is its join

	// Parameters and artifacts.
	ParamDefault   Code = "FLOW040" // a parameter default that does not parse as its type
	ParamDuplicate Code = "FLOW041" // two parameters with the same CLI name
	ParamReserved  Code = "FLOW042" // a parameter name that is a flowc flag
	ParamName      Code = "FLOW043" // a parameter name that is not a valid flag name
	ParamOption    Code = "FLOW044" // a parameter option that does not fit its type
	ArtifactType   Code = "FLOW045" // an artifact or parameter type that cannot be stored

	// Configs.
	ConfigFile    Code = "FLOW050" // a config file that cannot be read
	ConfigSyntax  Code = "FLOW051" // a config file that is not valid TOML
	ConfigRef     Code = "FLOW052" // a ${cfg.a.b} reference to a config or key that does not exist
	ConfigShape   Code = "FLOW053" // a config key that the config's Go type has no field for
	ConfigType    Code = "FLOW054" // a config field whose type is not a struct or map
	ConfigUnknown Code = "FLOW055" // --config names no config of the flow

	// Directives.
	UnknownDirective   Code = "FLOW060" // an unknown //flow: directive
	UnknownAttribute   Code = "FLOW061" // an unknown attribute of a directive
	DirectiveSyntax    Code = "FLOW062" // a directive line that does not parse
	AttributeValue     Code = "FLOW063" // an attribute value of the wrong type or out of range
	DuplicateDirective Code = "FLOW064" // a directive given twice where once is allowed
	DirectivePlace     Code = "FLOW065" // a flow directive on a step, a step directive on a flow, or catch where it cannot apply
	CatchVar           Code = "FLOW066" // catch var= that is not a *flow.CaughtError artifact field
	DirectiveConflict  Code = "FLOW067" // directives or attributes that exclude each other
	MissingAttribute   Code = "FLOW068" // a required attribute left out
	Schedule           Code = "FLOW069" // a cron expression or time zone that is not valid

	// Artifact types, as go/types sees them (FLOW045 is the kinds the codec
	// refuses outright).
	ArtifactState     Code = "FLOW070" // a type whose state is in unexported fields, with no method pair
	ArtifactInterface Code = "FLOW071" // an interface with methods (error, context.Context, io.Reader)
	ArtifactOneWay    Code = "FLOW072" // MarshalX without the UnmarshalX to read it back
	GenericFlow       Code = "FLOW073" // a flow type with type parameters

	// Targets: what one orchestrator cannot run. The front end never
	// reports these; FLOW080 and FLOW081 have bad-flow fixtures compiled
	// for a target, the others are shown by the targets' own tests.
	TargetUnsupported Code = "FLOW080" // a directive, option or graph shape the target cannot express
	TargetLimit       Code = "FLOW081" // a name, value or object over a limit of the target's service
	TargetName        Code = "FLOW082" // a flow, project or branch name that cannot be a name on the target
	TargetValue       Code = "FLOW083" // a directive value the target's service would reject at deploy time

	// Run options and exit hooks.
	WithFlag     Code = "FLOW105" // a --with that does not parse, or names a flow directive
	ExitHook     Code = "FLOW106" // an exit_hook naming no function of the flow's package
	ExitHookFunc Code = "FLOW107" // an exit hook function whose signature is not func(context.Context, flow.RunInfo) error
	IncludeParam Code = "FLOW108" // a flow.IncludedFile parameter whose default file is missing, outside the package or too big
	// The step cache.
	CacheRunDependent Code = "FLOW110" // a //flow:cache step that reads the run id: a later run would reuse another run's result
)

// All lists every code, in order: the documentation and the fixture suite
// check that each one has a section and a case.
var All = []Code{
	GoSyntax, NoFlow, StrayDirective, BadTag,
	MissingStart, MissingEnd, BadSignature, ValueReceiver, BadInputsType, EndTransition, MissingNext,
	BadTransition, MixedTransitions, UnknownStep, BadBranch, BadForeach, InputType, InputOutside,
	JoinSplits, NotAJoin, MissingInputs, StepName,
	StartHasInputs, Unreachable, Cycle, Unjoined, UnrelatedJoin, ConditionalJoin, EmptyForeach,
	ParamDefault, ParamDuplicate, ParamReserved, ParamName, ParamOption, ArtifactType,
	ConfigFile, ConfigSyntax, ConfigRef, ConfigShape, ConfigType, ConfigUnknown,
	UnknownDirective, UnknownAttribute, DirectiveSyntax, AttributeValue, DuplicateDirective,
	DirectivePlace, CatchVar, DirectiveConflict, MissingAttribute, Schedule,
	ArtifactState, ArtifactInterface, ArtifactOneWay, GenericFlow,
	TargetUnsupported, TargetLimit,
	WithFlag, ExitHook, ExitHookFunc, IncludeParam,
	CacheRunDependent,
}

// TargetCodes lists the codes only targets report, in order. docs has a
// section for each; the target's own tests, not the bad-flow fixtures,
// show them.
var TargetCodes = []Code{
	TargetName, TargetValue,
}

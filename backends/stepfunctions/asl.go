package stepfunctions

// The Amazon States Language, as far as flowc emits it. Field order is the
// order of the JSON; maps marshal with sorted keys, so the output is
// deterministic.

// Machine is a state machine definition, or the body of a Parallel branch
// or a Map's ItemProcessor.
type Machine struct {
	Comment         string           `json:"Comment,omitempty"`
	ProcessorConfig *ProcessorConfig `json:"ProcessorConfig,omitempty"`
	StartAt         string           `json:"StartAt"`
	States          map[string]State `json:"States"`
	TimeoutSeconds  int              `json:"TimeoutSeconds,omitempty"`
}

// ProcessorConfig says how a Map runs its iterations.
type ProcessorConfig struct {
	Mode          string `json:"Mode"`                    // INLINE or DISTRIBUTED
	ExecutionType string `json:"ExecutionType,omitempty"` // STANDARD, for DISTRIBUTED
}

// State is one state; Type says which fields apply.
type State struct {
	Type           string         `json:"Type"`
	Comment        string         `json:"Comment,omitempty"`
	Resource       string         `json:"Resource,omitempty"`
	Parameters     map[string]any `json:"Parameters,omitempty"`
	ItemReader     *ItemReader    `json:"ItemReader,omitempty"`
	ItemsPath      string         `json:"ItemsPath,omitempty"`
	ItemSelector   map[string]any `json:"ItemSelector,omitempty"`
	ItemProcessor  *Machine       `json:"ItemProcessor,omitempty"`
	MaxConcurrency *int           `json:"MaxConcurrency,omitempty"`
	ResultWriter   *ResultWriter  `json:"ResultWriter,omitempty"`
	Branches       []Machine      `json:"Branches,omitempty"`
	Result         any            `json:"Result,omitempty"`
	ResultSelector map[string]any `json:"ResultSelector,omitempty"`
	// ResultPath is a pointer so that "ResultPath": null (keep the state's
	// input as its output) can be written.
	ResultPath *NullablePath `json:"ResultPath,omitempty"`
	Choices    []Choice      `json:"Choices,omitempty"`
	Default    string        `json:"Default,omitempty"`
	Retry      []Retrier     `json:"Retry,omitempty"`
	Catch      []Catcher     `json:"Catch,omitempty"`
	Error      string        `json:"Error,omitempty"`
	Cause      string        `json:"Cause,omitempty"`
	Next       string        `json:"Next,omitempty"`
	End        bool          `json:"End,omitempty"`
}

// NullablePath is a reference path, or JSON null when empty.
type NullablePath string

// MarshalJSON writes null for the empty path.
func (p NullablePath) MarshalJSON() ([]byte, error) {
	if p == "" {
		return []byte("null"), nil
	}
	return jsonString(string(p)), nil
}

// discard is "ResultPath": null: the state's output is its input.
func discard() *NullablePath { p := NullablePath(""); return &p }

// at is "ResultPath": path.
func at(path string) *NullablePath { p := NullablePath(path); return &p }

// Choice is one rule of a Choice state.
type Choice struct {
	Not          *Choice  `json:"Not,omitempty"`
	Or           []Choice `json:"Or,omitempty"`
	Variable     string   `json:"Variable,omitempty"`
	StringEquals *string  `json:"StringEquals,omitempty"`
	IsPresent    *bool    `json:"IsPresent,omitempty"`
	IsString     *bool    `json:"IsString,omitempty"`
	IsNumeric    *bool    `json:"IsNumeric,omitempty"`
	IsBoolean    *bool    `json:"IsBoolean,omitempty"`
	// NumericGreaterThan is a pointer so that 0 can be compared with.
	NumericGreaterThan *int   `json:"NumericGreaterThan,omitempty"`
	Next               string `json:"Next,omitempty"`
}

// Retrier is one entry of a state's Retry.
type Retrier struct {
	ErrorEquals     []string `json:"ErrorEquals"`
	IntervalSeconds int      `json:"IntervalSeconds"`
	MaxAttempts     int      `json:"MaxAttempts"`
	BackoffRate     float64  `json:"BackoffRate"`
	MaxDelaySeconds int      `json:"MaxDelaySeconds,omitempty"`
	JitterStrategy  string   `json:"JitterStrategy,omitempty"`
}

// Catcher is one entry of a state's Catch.
type Catcher struct {
	ErrorEquals []string `json:"ErrorEquals"`
	ResultPath  string   `json:"ResultPath"`
	Next        string   `json:"Next"`
}

// ItemReader makes a Distributed Map read its items from S3.
type ItemReader struct {
	Resource     string         `json:"Resource"`
	ReaderConfig map[string]any `json:"ReaderConfig"`
	Parameters   map[string]any `json:"Parameters"`
}

// ResultWriter makes a Distributed Map write its results to S3 instead of
// returning them.
type ResultWriter struct {
	Resource   string         `json:"Resource"`
	Parameters map[string]any `json:"Parameters"`
}

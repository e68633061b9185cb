//! The templates for the day's flow: entry screening, meals and dismissal.

use super::step;
use crate::drills::plan::{Owner, PlanStep};

/// Entry at the start of the day: a dedicated screening lane (003 篇一 §4), staggered entry
/// (003 篇一 §9; 000 5.3), identity and temperature for everyone and registration of
/// visitors (003 篇一 §11; 001 §三.1), the morning check, absence tracking and return
/// certificates (003 篇一 §12; 001 §二(二)2) and the daily zero report (001 §二(二)3).
pub(super) fn entry_screening() -> Vec<PlanStep> {
    vec![
        step(
            "入校前备齐额温枪、体温计、口罩、手消毒液，设1米间隔线和临时等候区",
            "Before entry, set out thermometers, masks and hand sanitiser, 1 m queue marks and a holding area",
            Owner::Logistics,
            0,
        ),
        step(
            "开启测温通道，检查热成像测温仪和额温枪运行正常",
            "Open the screening lane and check that the thermal camera and forehead thermometers work",
            Owner::Gate,
            300,
        ),
        step(
            "按年级错时错峰入校，师生戴口罩排队，保持1米间距",
            "Grades enter at staggered times, masked and queuing 1 m apart",
            Owner::Gate,
            600,
        ),
        step(
            "逐人核验身份、测温；外来人员实名登记、测温、查验健康码，非必要不入校",
            "Check everyone's identity and temperature; visitors register by name and are screened, and enter only if needed",
            Owner::Gate,
            600,
        ),
        step(
            "体温≥37.3℃者戴口罩引至临时等候区复测，仍异常报校医，转入门口发热处置流程",
            "Anyone ≥37.3 °C is masked and re-checked in the holding area; if still raised, call the doctor (fever at gate)",
            Owner::Gate,
            900,
        ),
        step(
            "查验病愈返校学生的复课证明，查验后方可进班",
            "Check the return-to-class certificate of each pupil back from illness before they go to class",
            Owner::Doctor,
            900,
        ),
        step(
            "班主任在教室晨检：测温、询问症状，登记缺勤人员",
            "Morning check in class: temperature and symptoms; record who is absent",
            Owner::ClassTeacher,
            1200,
        ),
        step(
            "电话联系缺勤学生家长，查明原因并登记，因病缺勤的报校医",
            "Phone the parents of each absent pupil, record the cause, and tell the doctor of illness absences",
            Owner::ClassTeacher,
            1800,
        ),
        step(
            "汇总各班晨检和缺勤情况，有异常立即报领导小组",
            "Compile the classes' checks and absences; report anything abnormal to the leading group at once",
            Owner::Doctor,
            2700,
        ),
        step(
            "入校结束后对测温点、校门把手、值班室等高频接触处消毒",
            "After entry, disinfect the screening point, gate handles, duty room and other high-touch points",
            Owner::Logistics,
            3600,
        ),
        step(
            "按时上报当日晨检情况，无异常也要零报告",
            "Send the day's morning-check report on time, a zero report if nothing is abnormal",
            Owner::Leader,
            3600,
        ),
    ]
}

/// Meals: food safety and sample retention, staggered meals without face-to-face seating,
/// two-level portioning, one person one set one disinfection (003 篇一 §16), masks and gloves
/// for canteen staff (003 篇一 §13), no crowding (003 篇一 §15; 000 5.3), canteen cleaning and
/// daily rubbish removal (003 篇一 §14; 000 4.3).
pub(super) fn meals() -> Vec<PlanStep> {
    vec![
        step(
            "食堂人员上岗前测温，全程戴医用外科口罩和一次性手套",
            "Canteen staff take their temperature before work and wear surgical masks and disposable gloves throughout",
            Owner::Logistics,
            0,
        ),
        step(
            "查验当日食材索证索票，不用进口冷链和来源不明食品，每样菜留样",
            "Check the day's food invoices and certificates; no imported cold-chain or unknown food; keep a sample of each dish",
            Owner::Logistics,
            300,
        ),
        step(
            "餐前对餐桌、取餐台消毒并通风，餐具一人一用一消毒",
            "Before the meal, disinfect tables and serving counters and air the hall; each tableware set is disinfected per use",
            Owner::Logistics,
            600,
        ),
        step(
            "餐厅容量不足时实行二级分餐：分餐到班级，班级再分到个人",
            "If the hall is too small, portion in two levels: meals go to each class, the class serves each pupil",
            Owner::Logistics,
            900,
        ),
        step(
            "组织学生洗手后按年级错时错峰、按固定路线到食堂",
            "Pupils wash hands, then go to the canteen by grade at staggered times along a set route",
            Owner::ClassTeacher,
            1200,
        ),
        step(
            "按班级固定座位同向间隔就座，不面对面、不扎堆、不交谈",
            "Pupils sit in their class's fixed seats, spaced and facing one way: not face to face, no crowding, no talking",
            Owner::ClassTeacher,
            1500,
        ),
        step(
            "值日领导巡查就餐秩序，发现聚集即时纠正",
            "The leader on duty walks the canteen and breaks up any crowding at once",
            Owner::Leader,
            1800,
        ),
        step(
            "就餐中学生出现发热、呕吐等不适，校医到场处置并带至留观室",
            "If a pupil feels ill at the meal (fever, vomiting), the doctor attends and takes them to the isolation room",
            Owner::Doctor,
            1800,
        ),
        step(
            "就餐结束按班级有序离开，清点人数",
            "Classes leave the canteen in order and are counted",
            Owner::ClassTeacher,
            2400,
        ),
        step(
            "餐后清洁消毒餐桌、地面，餐具清洗消毒保洁，垃圾日产日清",
            "After the meal, clean and disinfect tables and floors, wash and disinfect tableware, clear the day's rubbish",
            Owner::Logistics,
            3600,
        ),
    ]
}

/// Dismissal: staggered times and no crowding (000 5.3; 003 篇一 §15), no outsiders inside
/// and no pupil leaving without leave (003 篇一 §11; 001 §二(五)), school-bus drivers masked
/// (003 篇一 §13), classrooms aired and high-touch points disinfected (003 篇一 §14; 000 4.2),
/// and the day's report (001 §二(二)3).
pub(super) fn dismissal() -> Vec<PlanStep> {
    vec![
        step(
            "放学前班主任检查学生健康状况，有发热等不适的报校医，不随队离校",
            "Before dismissal, check the pupils' health; anyone with fever or other symptoms goes to the doctor, not home",
            Owner::ClassTeacher,
            0,
        ),
        step(
            "按年级分时段错峰放学，广播通知各班出发时间",
            "Grades leave at staggered times; the PA announces each class's time",
            Owner::Leader,
            300,
        ),
        step(
            "校门外划定各班家长等候区，家长不进校，保持1米间距",
            "Mark a waiting area for each class's parents outside the gate; parents stay outside, 1 m apart",
            Owner::Gate,
            300,
        ),
        step(
            "班主任按固定路线带队至校门指定区域，队伍间保持距离，不聚集",
            "Class teachers lead their class by a set route to its place at the gate, spaced from other classes",
            Owner::ClassTeacher,
            600,
        ),
        step(
            "逐一交接给家长并清点人数，未接走的带回指定地点等候",
            "Hand each pupil to a parent and count them; take anyone not collected back to the waiting room",
            Owner::ClassTeacher,
            900,
        ),
        step(
            "乘校车学生上车前测温，戴口罩固定座位，司机全程戴口罩",
            "School-bus pupils are checked before boarding and sit masked in fixed seats; the driver wears a mask throughout",
            Owner::Logistics,
            900,
        ),
        step(
            "维持校门秩序，劝离聚集人员，外来人员不得入校",
            "Keep order at the gate: disperse crowds and let no outsiders in",
            Owner::Gate,
            1200,
        ),
        step(
            "学生离校后教室开窗通风，对门把手、扶手、开关等高频接触处消毒",
            "After pupils leave, air the classrooms and disinfect door handles, rails, switches and other high-touch points",
            Owner::Logistics,
            2400,
        ),
        step(
            "在班级群核实学生安全到家，未到家的立即联系家长",
            "Confirm in the class group that pupils got home; phone the parents of anyone who has not",
            Owner::ClassTeacher,
            3600,
        ),
        step(
            "值班领导检查落实情况，汇总当日健康监测和缺勤情况按时上报",
            "The leader on duty checks it was all done and sends the day's health and absence report on time",
            Owner::Leader,
            3600,
        ),
    ]
}
